// Package exec owns terminals and stream piping for exec and attach: raw mode with golang.org/x/term,
// resize events, and the terminal always restored.
package exec
