/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AddServerInput = {
  /** The server id; absent: a random UUID, or the URL host with SERVER_ID_IS_HOSTNAME. */
  id?: string | null | undefined;
  /** Zero or absent becomes 1.0 (with a warning), as in Scalelite. */
  loadMultiplier?: number | null | undefined;
  secret: string;
  /** Empty or absent: untagged. */
  tag?: string | null | undefined;
  url: string;
};

export type AddTenantInput = {
  name: string;
  secrets: Array<string>;
};

export type AddTenantSettingInput = {
  /** true: enforce the value; false: a default the request may override. */
  override?: boolean | null | undefined;
  param: string;
  /** The tenant's id or name. */
  tenant: string;
  value: string;
};

export type CreateApiKeyInput = {
  /** Absent: the scope plus a short id. */
  name?: string | null | undefined;
  /** admin, readonly or tenant:NAME. */
  scope: string;
};

/** A span of history and its resolution. */
export type HistoryRange =
  /** The last 24 hours: 2-minute buckets for load history, 15-minute buckets for tenant usage. */
  | 'DAY'
  /** The last hour: 5-second buckets for load history, 1-minute buckets for tenant usage. */
  | 'HOUR'
  /** The last 7 days: 15-minute buckets for load history, 2-hour buckets for tenant usage. */
  | 'WEEK';

/** What happened to a meeting. */
export type MeetingEventType =
  /** A panic ended the meeting on BBB; it stays recoverable on its next create or join. */
  | 'CLEARED'
  /** A new meeting was created on the server it was placed on (followed by PLACED). */
  | 'CREATED'
  /** The meeting ended: by the BBB API, GraphQL, the admin API, the CLI, or the poller (no longer listed by its server, or not recovered in time). */
  | 'ENDED'
  /** A meeting was placed on a server: new, or moved by a create because its server left service or it no longer ran on its cordoned server. detail explains the choice. */
  | 'PLACED'
  /** A meeting whose server left service was re-created on another server by a join or create (detail: from which server). */
  | 'RECOVERED';

/** Selects meetings; absent fields mean any. Tenant keys only ever see their own tenant's. */
export type MeetingFilter = {
  /** Include ended meetings (kept for history). */
  includeEnded?: boolean | null | undefined;
  meetingIDs?: Array<string> | null | undefined;
  serverIds?: Array<string> | null | undefined;
  tenantId?: string | null | undefined;
};

export type MetadataInput = {
  key: string;
  /** An empty value removes the key (updateRecordingMetadata). */
  value: string;
};

/** Selects recordings; absent fields mean any. Tenant keys only ever see their own tenant's. */
export type RecordingFilter = {
  meetingIDs?: Array<string> | null | undefined;
  /** Metadata to match: keys are AND-ed, values of one key OR-ed. */
  metadata?: Array<MetadataInput> | null | undefined;
  /** Prefix matches on the record ID. */
  recordIDPrefixes?: Array<string> | null | undefined;
  recordIDs?: Array<string> | null | undefined;
  /** Absent: every state except deleted. */
  states?: Array<string> | null | undefined;
};

/** What happened to a server. */
export type ServerEventType =
  | 'ADDED'
  /** The poller declared the server offline: its meetings are recovered elsewhere on their next create or join. */
  | 'OFFLINE'
  /** The poller saw the server come back. */
  | 'ONLINE'
  /** Disabled with its meetings ended on BBB (kept recoverable). */
  | 'PANICKED'
  /** A poll of the server (serverLoad only). */
  | 'POLLED'
  | 'REMOVED'
  /** Enabled, cordoned or disabled, by an operator or when a cordoned server drained. */
  | 'STATE_CHANGED'
  /** A call on the request path could not reach the server (passive health): it takes no new meetings until it answers again or a poll finds it healthy. */
  | 'SUSPECT'
  | 'UPDATED';

/** Administrative state of a server. */
export type ServerState =
  /** Keeps its meetings but takes no new ones; disabled by the poller once its load reaches zero. */
  | 'CORDONED'
  /** Takes nothing. New servers start disabled, as in Scalelite. */
  | 'DISABLED'
  /** Takes new meetings while online. */
  | 'ENABLED';

export type UpdateServerInput = {
  /** Must be positive. */
  loadMultiplier?: number | null | undefined;
  secret?: string | null | undefined;
  /** An empty string removes the tag. */
  tag?: string | null | undefined;
  url?: string | null | undefined;
};

/**
 * Absent fields stay as they are. For the LRS and Keycloak fields an empty string clears the value
 * (an empty lrsEndpoint stops the LRS payload).
 */
export type UpdateTenantInput = {
  kcClientId?: string | null | undefined;
  kcClientSecret?: string | null | undefined;
  kcPassword?: string | null | undefined;
  /** An http(s) URL: Keycloak's token endpoint, used when lrsUsername is empty. */
  kcTokenUrl?: string | null | undefined;
  kcUsername?: string | null | undefined;
  /** An http(s) URL. */
  lrsEndpoint?: string | null | undefined;
  lrsPassword?: string | null | undefined;
  /** Basic authentication at the LRS; it is used whenever lrsUsername is set. */
  lrsUsername?: string | null | undefined;
  name?: string | null | undefined;
  /** Replaces every secret. */
  secrets?: Array<string> | null | undefined;
};

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { apiKeys: Array<{ id: string, name: string, scope: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type ApiKeyRowFragment = { id: string, name: string, scope: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null };

export type CreateApiKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type CreateApiKeyMutation = { createApiKey: { key: string, apiKey: { id: string, name: string, scope: string, createdAt: string, lastUsedAt: string | null, revokedAt: string | null } } };

export type RevokeApiKeyMutationVariables = Exact<{
  id: string;
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, revokedAt: string | null } };

export type AuditLogQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditLogQuery = { auditLog: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, time: string, actor: string, action: string, arguments: string, result: string }> } };

export type MeetingsQueryVariables = Exact<{
  filter?: MeetingFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type MeetingsQuery = { meetings: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ meetingID: string, name: string, serverId: string, voiceBridge: string, running: boolean, placement: string | null, reservation: number, missedPolls: number, participants: number, createdAt: string, endedAt: string | null, server: { id: string, url: string, state: ServerState, online: boolean } | null, tenant: { id: string, name: string } | null }> } };

export type MeetingRowFragment = { meetingID: string, name: string, serverId: string, voiceBridge: string, running: boolean, placement: string | null, reservation: number, missedPolls: number, participants: number, createdAt: string, endedAt: string | null, server: { id: string, url: string, state: ServerState, online: boolean } | null, tenant: { id: string, name: string } | null };

export type MeetingEventsSubscriptionVariables = Exact<{
  ids?: Array<string> | string | null | undefined;
}>;


export type MeetingEventsSubscription = { meetingEvents: { type: MeetingEventType, time: string, meetingID: string, serverId: string | null, tenantId: string | null, detail: string | null } };

export type EndMeetingMutationVariables = Exact<{
  id: string;
}>;


export type EndMeetingMutation = { endMeeting: { meetingID: string, running: boolean } };

export type RecordingsQueryVariables = Exact<{
  filter?: RecordingFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type RecordingsQuery = { recordings: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ recordID: string, meetingID: string, name: string, state: string | null, published: boolean, protected: boolean, participants: number | null, startTime: string | null, endTime: string | null, tenantId: string | null, metadata: Array<{ key: string, value: string }>, formats: Array<{ format: string, url: string, length: number }> }> } };

export type PublishRecordingsMutationVariables = Exact<{
  ids: Array<string> | string;
  publish: boolean;
}>;


export type PublishRecordingsMutation = { publishRecordings: Array<{ recordID: string, published: boolean }> };

export type ProtectRecordingsMutationVariables = Exact<{
  ids: Array<string> | string;
  on: boolean;
}>;


export type ProtectRecordingsMutation = { protectRecordings: Array<{ recordID: string, protected: boolean }> };

export type DeleteRecordingsMutationVariables = Exact<{
  ids: Array<string> | string;
}>;


export type DeleteRecordingsMutation = { deleteRecordings: Array<{ recordID: string, state: string | null }> };

export type ClusterStatusQueryVariables = Exact<{ [key: string]: never; }>;


export type ClusterStatusQuery = { clusterStatus: { capacity: { serverCapacity: number, meetingUsers: number, description: string }, totals: { servers: number, online: number, enabled: number, cordoned: number, disabled: number, meetings: number, users: number, videos: number, largestMeeting: number, load: number, inService: number, capacity: number, headroom: number, room: number }, servers: Array<{ hostname: string, state: ServerState, online: boolean, meetings: number, users: number, largestMeeting: number, videos: number, load: number | null, bbbVersion: string | null, tag: string | null, capacity: number, utilization: number | null, headroom: number, room: number, server: { id: string, url: string, loadMultiplier: number, lastPolledAt: string | null, lastPollError: string | null } }> } };

export type ServerQueryVariables = Exact<{
  id: string;
}>;


export type ServerQuery = { server: { id: string, url: string, tag: string | null, state: ServerState, online: boolean, load: number | null, loadMultiplier: number, meetings: number, users: number, largestMeeting: number, videos: number, bbbVersion: string | null, healthyCounter: number, unhealthyCounter: number, lastPolledAt: string | null, lastPollError: string | null, createdAt: string, updatedAt: string } | null, clusterStatus: { capacity: { serverCapacity: number, meetingUsers: number, description: string } } };

export type ServerNamesQueryVariables = Exact<{ [key: string]: never; }>;


export type ServerNamesQuery = { servers: Array<{ id: string, url: string, state: ServerState, online: boolean }> };

export type LoadHistoryQueryVariables = Exact<{
  range?: HistoryRange | null | undefined;
  serverIds?: Array<string> | string | null | undefined;
}>;


export type LoadHistoryQuery = { loadHistory: { range: HistoryRange, step: number, from: string, to: string, since: string | null, cluster: { serverId: string | null, times: Array<string>, load: Array<number | null>, users: Array<number>, meetings: Array<number>, videos: Array<number> }, servers: Array<{ serverId: string | null, times: Array<string>, load: Array<number | null>, users: Array<number>, meetings: Array<number>, videos: Array<number> }> } };

export type ServerLoadSubscriptionVariables = Exact<{
  ids?: Array<string> | string | null | undefined;
}>;


export type ServerLoadSubscription = { serverLoad: { type: ServerEventType, time: string, id: string, url: string, state: ServerState, online: boolean, load: number | null, meetings: number, users: number, videos: number } };

export type EnableServerMutationVariables = Exact<{
  id: string;
}>;


export type EnableServerMutation = { enableServer: { id: string, state: ServerState } };

export type CordonServerMutationVariables = Exact<{
  id: string;
}>;


export type CordonServerMutation = { cordonServer: { id: string, state: ServerState } };

export type DisableServerMutationVariables = Exact<{
  id: string;
  force?: boolean | null | undefined;
}>;


export type DisableServerMutation = { disableServer: { endErrors: Array<string>, server: { id: string, state: ServerState }, endedMeetings: Array<{ meetingID: string }> } };

export type PanicServerMutationVariables = Exact<{
  id: string;
  keepState?: boolean | null | undefined;
  skipEndCalls?: boolean | null | undefined;
}>;


export type PanicServerMutation = { panicServer: { endErrors: Array<string>, server: { id: string, state: ServerState }, endedMeetings: Array<{ meetingID: string }> } };

export type SetLoadMultiplierMutationVariables = Exact<{
  id: string;
  m: number;
}>;


export type SetLoadMultiplierMutation = { setLoadMultiplier: { id: string, loadMultiplier: number } };

export type RemoveServerMutationVariables = Exact<{
  id: string;
}>;


export type RemoveServerMutation = { removeServer: { id: string } };

export type AddServerMutationVariables = Exact<{
  input: AddServerInput;
}>;


export type AddServerMutation = { addServer: { warnings: Array<string>, server: { id: string, state: ServerState } } };

export type UpdateServerMutationVariables = Exact<{
  id: string;
  input: UpdateServerInput;
}>;


export type UpdateServerMutation = { updateServer: { id: string } };

export type PollServersMutationVariables = Exact<{ [key: string]: never; }>;


export type PollServersMutation = { pollServers: Array<{ id: string }> };

export type TenantsQueryVariables = Exact<{ [key: string]: never; }>;


export type TenantsQuery = { tenants: Array<{ id: string, name: string, createdAt: string, settings: Array<{ id: string }> }> };

export type TenantNamesQueryVariables = Exact<{ [key: string]: never; }>;


export type TenantNamesQuery = { tenants: Array<{ name: string }> };

export type TenantQueryVariables = Exact<{
  id: string;
}>;


export type TenantQuery = { tenant: { id: string, name: string, lrsEndpoint: string | null, lrsUsername: string | null, kcTokenUrl: string | null, kcClientId: string | null, kcUsername: string | null, createdAt: string, updatedAt: string, settings: Array<{ id: string, param: string, value: string, override: boolean }> } | null };

export type TenantUsageQueryVariables = Exact<{
  id: string;
  range?: HistoryRange | null | undefined;
}>;


export type TenantUsageQuery = { tenant: { id: string, usage: { range: HistoryRange, step: number, times: Array<string>, started: Array<number>, running: Array<number>, runningNow: number, participantsNow: number, truncated: boolean } } | null };

export type TenantSecretsQueryVariables = Exact<{
  id: string;
}>;


export type TenantSecretsQuery = { tenant: { secrets: Array<string> | null } | null };

export type AddTenantMutationVariables = Exact<{
  input: AddTenantInput;
}>;


export type AddTenantMutation = { addTenant: { id: string, name: string } };

export type UpdateTenantMutationVariables = Exact<{
  id: string;
  input: UpdateTenantInput;
}>;


export type UpdateTenantMutation = { updateTenant: { id: string } };

export type RemoveTenantMutationVariables = Exact<{
  id: string;
}>;


export type RemoveTenantMutation = { removeTenant: { id: string } };

export type AddTenantSettingMutationVariables = Exact<{
  input: AddTenantSettingInput;
}>;


export type AddTenantSettingMutation = { addTenantSetting: { id: string } };

export type RemoveTenantSettingMutationVariables = Exact<{
  id: string;
}>;


export type RemoveTenantSettingMutation = { removeTenantSetting: { id: string } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { name: string, scope: string, admin: boolean, readOnly: boolean, tenant: string | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ApiKeyRowFragmentDoc = new TypedDocumentString(`
    fragment ApiKeyRow on ApiKey {
  id
  name
  scope
  createdAt
  lastUsedAt
  revokedAt
}
    `, {"fragmentName":"ApiKeyRow"}) as unknown as TypedDocumentString<ApiKeyRowFragment, unknown>;
export const MeetingRowFragmentDoc = new TypedDocumentString(`
    fragment MeetingRow on Meeting {
  meetingID
  name
  serverId
  voiceBridge
  running
  placement
  reservation
  missedPolls
  participants
  createdAt
  endedAt
  server {
    id
    url
    state
    online
  }
  tenant {
    id
    name
  }
}
    `, {"fragmentName":"MeetingRow"}) as unknown as TypedDocumentString<MeetingRowFragment, unknown>;
export const ApiKeysDocument = new TypedDocumentString(`
    query ApiKeys {
  apiKeys {
    ...ApiKeyRow
  }
}
    fragment ApiKeyRow on ApiKey {
  id
  name
  scope
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<ApiKeysQuery, ApiKeysQueryVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    key
    apiKey {
      ...ApiKeyRow
    }
  }
}
    fragment ApiKeyRow on ApiKey {
  id
  name
  scope
  createdAt
  lastUsedAt
  revokedAt
}`) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    id
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const AuditLogDocument = new TypedDocumentString(`
    query AuditLog($first: Int, $after: String) {
  auditLog(first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      time
      actor
      action
      arguments
      result
    }
  }
}
    `) as unknown as TypedDocumentString<AuditLogQuery, AuditLogQueryVariables>;
export const MeetingsDocument = new TypedDocumentString(`
    query Meetings($filter: MeetingFilter, $first: Int, $after: String) {
  meetings(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...MeetingRow
    }
  }
}
    fragment MeetingRow on Meeting {
  meetingID
  name
  serverId
  voiceBridge
  running
  placement
  reservation
  missedPolls
  participants
  createdAt
  endedAt
  server {
    id
    url
    state
    online
  }
  tenant {
    id
    name
  }
}`) as unknown as TypedDocumentString<MeetingsQuery, MeetingsQueryVariables>;
export const MeetingEventsDocument = new TypedDocumentString(`
    subscription MeetingEvents($ids: [String!]) {
  meetingEvents(meetingIDs: $ids) {
    type
    time
    meetingID
    serverId
    tenantId
    detail
  }
}
    `) as unknown as TypedDocumentString<MeetingEventsSubscription, MeetingEventsSubscriptionVariables>;
export const EndMeetingDocument = new TypedDocumentString(`
    mutation EndMeeting($id: String!) {
  endMeeting(meetingID: $id) {
    meetingID
    running
  }
}
    `) as unknown as TypedDocumentString<EndMeetingMutation, EndMeetingMutationVariables>;
export const RecordingsDocument = new TypedDocumentString(`
    query Recordings($filter: RecordingFilter, $first: Int, $after: String) {
  recordings(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      recordID
      meetingID
      name
      state
      published
      protected
      participants
      startTime
      endTime
      tenantId
      metadata {
        key
        value
      }
      formats {
        format
        url
        length
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RecordingsQuery, RecordingsQueryVariables>;
export const PublishRecordingsDocument = new TypedDocumentString(`
    mutation PublishRecordings($ids: [String!]!, $publish: Boolean!) {
  publishRecordings(recordIDs: $ids, publish: $publish) {
    recordID
    published
  }
}
    `) as unknown as TypedDocumentString<PublishRecordingsMutation, PublishRecordingsMutationVariables>;
export const ProtectRecordingsDocument = new TypedDocumentString(`
    mutation ProtectRecordings($ids: [String!]!, $on: Boolean!) {
  protectRecordings(recordIDs: $ids, protect: $on) {
    recordID
    protected
  }
}
    `) as unknown as TypedDocumentString<ProtectRecordingsMutation, ProtectRecordingsMutationVariables>;
export const DeleteRecordingsDocument = new TypedDocumentString(`
    mutation DeleteRecordings($ids: [String!]!) {
  deleteRecordings(recordIDs: $ids) {
    recordID
    state
  }
}
    `) as unknown as TypedDocumentString<DeleteRecordingsMutation, DeleteRecordingsMutationVariables>;
export const ClusterStatusDocument = new TypedDocumentString(`
    query ClusterStatus {
  clusterStatus {
    capacity {
      serverCapacity
      meetingUsers
      description
    }
    totals {
      servers
      online
      enabled
      cordoned
      disabled
      meetings
      users
      videos
      largestMeeting
      load
      inService
      capacity
      headroom
      room
    }
    servers {
      hostname
      state
      online
      meetings
      users
      largestMeeting
      videos
      load
      bbbVersion
      tag
      capacity
      utilization
      headroom
      room
      server {
        id
        url
        loadMultiplier
        lastPolledAt
        lastPollError
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ClusterStatusQuery, ClusterStatusQueryVariables>;
export const ServerDocument = new TypedDocumentString(`
    query Server($id: ID!) {
  server(id: $id) {
    id
    url
    tag
    state
    online
    load
    loadMultiplier
    meetings
    users
    largestMeeting
    videos
    bbbVersion
    healthyCounter
    unhealthyCounter
    lastPolledAt
    lastPollError
    createdAt
    updatedAt
  }
  clusterStatus {
    capacity {
      serverCapacity
      meetingUsers
      description
    }
  }
}
    `) as unknown as TypedDocumentString<ServerQuery, ServerQueryVariables>;
export const ServerNamesDocument = new TypedDocumentString(`
    query ServerNames {
  servers {
    id
    url
    state
    online
  }
}
    `) as unknown as TypedDocumentString<ServerNamesQuery, ServerNamesQueryVariables>;
export const LoadHistoryDocument = new TypedDocumentString(`
    query LoadHistory($range: HistoryRange, $serverIds: [ID!]) {
  loadHistory(range: $range, serverIds: $serverIds) {
    range
    step
    from
    to
    since
    cluster {
      serverId
      times
      load
      users
      meetings
      videos
    }
    servers {
      serverId
      times
      load
      users
      meetings
      videos
    }
  }
}
    `) as unknown as TypedDocumentString<LoadHistoryQuery, LoadHistoryQueryVariables>;
export const ServerLoadDocument = new TypedDocumentString(`
    subscription ServerLoad($ids: [ID!]) {
  serverLoad(serverIds: $ids) {
    type
    time
    id
    url
    state
    online
    load
    meetings
    users
    videos
  }
}
    `) as unknown as TypedDocumentString<ServerLoadSubscription, ServerLoadSubscriptionVariables>;
export const EnableServerDocument = new TypedDocumentString(`
    mutation EnableServer($id: ID!) {
  enableServer(id: $id) {
    id
    state
  }
}
    `) as unknown as TypedDocumentString<EnableServerMutation, EnableServerMutationVariables>;
export const CordonServerDocument = new TypedDocumentString(`
    mutation CordonServer($id: ID!) {
  cordonServer(id: $id) {
    id
    state
  }
}
    `) as unknown as TypedDocumentString<CordonServerMutation, CordonServerMutationVariables>;
export const DisableServerDocument = new TypedDocumentString(`
    mutation DisableServer($id: ID!, $force: Boolean) {
  disableServer(id: $id, force: $force) {
    server {
      id
      state
    }
    endedMeetings {
      meetingID
    }
    endErrors
  }
}
    `) as unknown as TypedDocumentString<DisableServerMutation, DisableServerMutationVariables>;
export const PanicServerDocument = new TypedDocumentString(`
    mutation PanicServer($id: ID!, $keepState: Boolean, $skipEndCalls: Boolean) {
  panicServer(id: $id, keepState: $keepState, skipEndCalls: $skipEndCalls) {
    server {
      id
      state
    }
    endedMeetings {
      meetingID
    }
    endErrors
  }
}
    `) as unknown as TypedDocumentString<PanicServerMutation, PanicServerMutationVariables>;
export const SetLoadMultiplierDocument = new TypedDocumentString(`
    mutation SetLoadMultiplier($id: ID!, $m: Float!) {
  setLoadMultiplier(id: $id, loadMultiplier: $m) {
    id
    loadMultiplier
  }
}
    `) as unknown as TypedDocumentString<SetLoadMultiplierMutation, SetLoadMultiplierMutationVariables>;
export const RemoveServerDocument = new TypedDocumentString(`
    mutation RemoveServer($id: ID!) {
  removeServer(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<RemoveServerMutation, RemoveServerMutationVariables>;
export const AddServerDocument = new TypedDocumentString(`
    mutation AddServer($input: AddServerInput!) {
  addServer(input: $input) {
    server {
      id
      state
    }
    warnings
  }
}
    `) as unknown as TypedDocumentString<AddServerMutation, AddServerMutationVariables>;
export const UpdateServerDocument = new TypedDocumentString(`
    mutation UpdateServer($id: ID!, $input: UpdateServerInput!) {
  updateServer(id: $id, input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<UpdateServerMutation, UpdateServerMutationVariables>;
export const PollServersDocument = new TypedDocumentString(`
    mutation PollServers {
  pollServers {
    id
  }
}
    `) as unknown as TypedDocumentString<PollServersMutation, PollServersMutationVariables>;
export const TenantsDocument = new TypedDocumentString(`
    query Tenants {
  tenants {
    id
    name
    createdAt
    settings {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<TenantsQuery, TenantsQueryVariables>;
export const TenantNamesDocument = new TypedDocumentString(`
    query TenantNames {
  tenants {
    name
  }
}
    `) as unknown as TypedDocumentString<TenantNamesQuery, TenantNamesQueryVariables>;
export const TenantDocument = new TypedDocumentString(`
    query Tenant($id: ID!) {
  tenant(id: $id) {
    id
    name
    lrsEndpoint
    lrsUsername
    kcTokenUrl
    kcClientId
    kcUsername
    createdAt
    updatedAt
    settings {
      id
      param
      value
      override
    }
  }
}
    `) as unknown as TypedDocumentString<TenantQuery, TenantQueryVariables>;
export const TenantUsageDocument = new TypedDocumentString(`
    query TenantUsage($id: ID!, $range: HistoryRange) {
  tenant(id: $id) {
    id
    usage(range: $range) {
      range
      step
      times
      started
      running
      runningNow
      participantsNow
      truncated
    }
  }
}
    `) as unknown as TypedDocumentString<TenantUsageQuery, TenantUsageQueryVariables>;
export const TenantSecretsDocument = new TypedDocumentString(`
    query TenantSecrets($id: ID!) {
  tenant(id: $id) {
    secrets
  }
}
    `) as unknown as TypedDocumentString<TenantSecretsQuery, TenantSecretsQueryVariables>;
export const AddTenantDocument = new TypedDocumentString(`
    mutation AddTenant($input: AddTenantInput!) {
  addTenant(input: $input) {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<AddTenantMutation, AddTenantMutationVariables>;
export const UpdateTenantDocument = new TypedDocumentString(`
    mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {
  updateTenant(id: $id, input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<UpdateTenantMutation, UpdateTenantMutationVariables>;
export const RemoveTenantDocument = new TypedDocumentString(`
    mutation RemoveTenant($id: ID!) {
  removeTenant(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<RemoveTenantMutation, RemoveTenantMutationVariables>;
export const AddTenantSettingDocument = new TypedDocumentString(`
    mutation AddTenantSetting($input: AddTenantSettingInput!) {
  addTenantSetting(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<AddTenantSettingMutation, AddTenantSettingMutationVariables>;
export const RemoveTenantSettingDocument = new TypedDocumentString(`
    mutation RemoveTenantSetting($id: ID!) {
  removeTenantSetting(id: $id) {
    id
  }
}
    `) as unknown as TypedDocumentString<RemoveTenantSettingMutation, RemoveTenantSettingMutationVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    name
    scope
    admin
    readOnly
    tenant
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;