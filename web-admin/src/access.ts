// Who is signed in (the GraphQL viewer query) and what the console offers that key. The server
// checks every operation anyway: this only hides what the key would be refused (FORBIDDEN), so
// that a read-only key sees no buttons it cannot use and a tenant key only its own views.

import type { Client } from "./gql";
import { ViewerDocument, type ViewerQuery } from "./gql/graphql";

/** Viewer is the calling API key: name, scope (admin, readonly or tenant:NAME), tenant. */
export type Viewer = ViewerQuery["viewer"];

/** fetchViewer asks the server who the key is (it also checks the key). */
export async function fetchViewer(client: Client): Promise<Viewer> {
  const d = await client.request(ViewerDocument);
  return d.viewer;
}

/** Permissions mirror the scope table of docs/graphql.md. */
export interface Permissions {
  /** Server mutations: add, edit, enable, cordon, disable, panic, remove, load multiplier, poll. */
  manageServers: boolean;
  /** Tenant and tenant-setting mutations, and reading tenant secrets. */
  manageTenants: boolean;
  /** Creating and revoking API keys. */
  manageKeys: boolean;
  /** Listing API keys (admin and read-only keys). */
  listKeys: boolean;
  /** The audit log (admin and read-only keys). */
  readAudit: boolean;
  /** endMeeting (admin keys; tenant keys for their tenant's meetings). */
  endMeetings: boolean;
  /** Publish, protect and delete recordings (admin keys; tenant keys for their tenant's). */
  changeRecordings: boolean;
  /** Filtering meetings by tenant (a tenant key sees only its own tenant's). */
  filterByTenant: boolean;
}

export function permissions(v: Viewer): Permissions {
  const tenantKey = v.tenant !== null;
  return {
    manageServers: v.admin,
    manageTenants: v.admin,
    manageKeys: v.admin,
    listKeys: v.admin || v.readOnly,
    readAudit: v.admin || v.readOnly,
    endMeetings: v.admin || tenantKey,
    changeRecordings: v.admin || tenantKey,
    filterByTenant: !tenantKey,
  };
}
