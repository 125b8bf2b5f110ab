// Wiring only: parse the subcommand and hand over. Threads must not be started from closures
// written in this file (a Swift 6.3 runtime crash on Linux), so all work lives in other files.
await DozeCommand.main()
