// Package events holds the in-process implementations of the domain's coordination interfaces:
// Broker (scalelite.Publisher and scalelite.Subscriber), LocalLocker (scalelite.Locker) and
// LocalTokens (scalelite.TokenStore). They serve a single instance when REDIS_URL is unset;
// package redisstore provides the cluster-wide equivalents. Package eventstest holds the
// conformance suite both implementations pass.
//
// It imports only the standard library and the domain.
package events
