import Engine
import TheoryCheckCLI

// The command-line tool; everything lives in TheoryCheckCLI so that tests can parse arguments in
// process.
Allocator.keepLargeBlocks()
TheoryCheckCommand.main()
