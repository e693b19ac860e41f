// Package bbb is the BigBlueButton HTTP API protocol: checksums (SHA-1/256/384/512 over the raw
// query string, several secrets, BBB's rule for form POST bodies), www-form parameter encoding in
// the order Scalelite and BBB use, XML documents for our own answers (Scalelite's error envelope and
// an ordered builder for success documents), and an outbound Client for the calls the balancer makes
// to BBB servers. It imports only the standard library.
package bbb
