// The GraphQL client over HTTP: POST /graphql with the API key as a bearer token. Operations are
// the typed documents graphql-codegen generates from src/operations/*.graphql (src/gql/).

import type { TypedDocumentString } from "./gql/graphql";

export const endpoint = "/graphql";

/** Doc is a generated operation with its answer and variables types. */
export type Doc<R, V> = TypedDocumentString<R, V>;

export interface GraphQLErrorItem {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [k: string]: unknown };
}

/** GraphQLError carries every error of an answer; code is the first one's extensions.code. */
export class GraphQLError extends Error {
  readonly code: string;
  readonly errors: GraphQLErrorItem[];
  readonly status: number;
  /** data is whatever the answer returned next to the errors (partial results). */
  readonly data: unknown;

  constructor(errors: GraphQLErrorItem[], status = 200, data: unknown = null) {
    super(errors.map((e) => e.message).join("; ") || "Request failed");
    this.name = "GraphQLError";
    this.errors = errors;
    this.status = status;
    this.data = data;
    this.code = errors[0]?.extensions?.code ?? (status >= 500 ? "INTERNAL" : "ERROR");
  }

  /** has reports whether any error carries code. */
  has(code: string): boolean {
    return this.errors.some((e) => e.extensions?.code === code);
  }
}

/** NetworkError is a request that got no GraphQL answer (server down, proxy error page). */
export class NetworkError extends Error {
  readonly code = "NETWORK";
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

export type Variables = Record<string, unknown>;

/** Vars are an operation's variables; operations without variables take none. */
type Vars<V> = V extends Record<string, never> ? [variables?: V] : [variables: V];

/** Client sends operations with one API key; onUnauthenticated fires on UNAUTHENTICATED answers. */
export class Client {
  constructor(
    private readonly key: string,
    private readonly onUnauthenticated: (message: string) => void = () => {},
  ) {}

  get apiKey(): string {
    return this.key;
  }

  /**
   * request runs a query or mutation and returns its data. Any error in the answer throws a
   * GraphQLError (with the partial data attached); use requestPartial to keep partial results.
   */
  async request<T, V>(doc: Doc<T, V>, ...variables: Vars<V>): Promise<T> {
    const { data, errors, status } = await this.send<T>(String(doc), variables[0] as Variables | undefined);
    if (errors.length > 0) throw new GraphQLError(errors, status, data);
    if (data === null || data === undefined) throw new GraphQLError([{ message: "Empty answer" }], status);
    return data;
  }

  /** requestPartial returns the data and the errors of an answer (e.g. FORBIDDEN secret fields). */
  async requestPartial<T, V>(doc: Doc<T, V>, ...variables: Vars<V>): Promise<{ data: T | null; errors: GraphQLErrorItem[] }> {
    const { data, errors, status } = await this.send<T>(String(doc), variables[0] as Variables | undefined);
    if (data === null || data === undefined) throw new GraphQLError(errors.length ? errors : [{ message: "Empty answer" }], status);
    return { data, errors };
  }

  private async send<T>(query: string, variables?: Variables): Promise<{ data: T | null; errors: GraphQLErrorItem[]; status: number }> {
    let resp: Response;
    try {
      resp = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${this.key}` },
        body: JSON.stringify({ query, variables: variables ?? {} }),
        credentials: "omit",
        cache: "no-store",
      });
    } catch (e) {
      throw new NetworkError(`Cannot reach ${endpoint}: ${(e as Error).message}`);
    }
    let body: { data?: T | null; errors?: GraphQLErrorItem[] };
    try {
      body = await resp.json();
    } catch {
      throw new NetworkError(`${endpoint} answered HTTP ${resp.status} ${resp.statusText} without JSON`);
    }
    const errors = Array.isArray(body.errors) ? body.errors : [];
    if (errors.some((e) => e.extensions?.code === "UNAUTHENTICATED") || resp.status === 401) {
      const msg = errors[0]?.message ?? "The API key was refused.";
      this.onUnauthenticated(msg);
      throw new GraphQLError(errors.length ? errors : [{ message: msg, extensions: { code: "UNAUTHENTICATED" } }], resp.status);
    }
    return { data: body.data ?? null, errors, status: resp.status };
  }
}

/** errorCode returns a short code for any thrown value. */
export function errorCode(e: unknown): string {
  if (e instanceof GraphQLError || e instanceof NetworkError) return e.code;
  return "ERROR";
}
