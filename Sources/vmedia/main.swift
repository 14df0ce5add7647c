import VMediaCLI

await VMediaCommand.main()
