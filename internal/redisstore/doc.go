// Package redisstore is the Redis layer of the balancer, and the only package (besides cmd)
// that imports rueidis. Redis holds nothing that cannot be rebuilt from SQL or lost:
//
//   - CachedStore: a scalelite.Store decorator serving Server(id), Meeting(meetingID) and
//     TenantByName(name) from rueidis client-side caches (RESP3 tracking), invalidated by every
//     write made through any CachedStore on the same Redis and namespace;
//   - PubSub: scalelite.Publisher and scalelite.Subscriber over Redis pub/sub, so events from
//     any instance reach the subscribers of every instance;
//   - Locker: scalelite.Locker over rueidislock, for the singleton poller and importer roles;
//   - Tokens: scalelite.TokenStore of one-time tokens.
//
// Every key starts with "<namespace>:". Without Redis, package events provides the in-process
// equivalents; package eventstest is the conformance suite both pass.
package redisstore
