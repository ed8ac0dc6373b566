using ReverseEtl.Worker.Cli;

return await ReverseEtlCommandLine.InvokeAsync(args, CliContext.Process);
