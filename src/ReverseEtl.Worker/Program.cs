using ReverseEtl.Core.Definitions;
using ReverseEtl.Worker.Cli;

SchemaValidator.StartLoading();
return await ReverseEtlCommandLine.InvokeAsync(args, CliContext.Process);
