import VMediaCLI

await VMediaCommand.runAsMain()
