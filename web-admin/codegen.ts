// graphql-codegen: TypeScript types for the console's operations (src/operations/*.graphql)
// from the server's schema (../graph/schema), written to src/gql/. Run `npm run codegen` after
// changing either; a Go test (web-admin/generated_test.go) fails when the committed output is
// stale. CODEGEN_OUT redirects the output (that test's fresh copy).
import type { CodegenConfig } from "@graphql-codegen/cli";

const out = process.env.CODEGEN_OUT ?? "src/gql/";

const config: CodegenConfig = {
  schema: "../graph/schema/*.graphqls",
  documents: ["src/operations/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    [out]: {
      preset: "client",
      presetConfig: { fragmentMasking: false, gqlTagName: "graphql" },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        onlyOperationTypes: true,
        skipTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        scalars: { Time: "string", ID: "string" },
      },
    },
  },
  hooks: {},
};

export default config;
