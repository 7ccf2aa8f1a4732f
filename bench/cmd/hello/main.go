// Command hello is the start-up floor for the benchmark: a Go program that prints one
// line, built with the same toolchain and flags as stackpick.
package main

import "fmt"

func main() {
	fmt.Println("hello")
}
