using ReverseEtl.Worker.Cli;

return await ReverseEtlCommandLine.Build().Parse(args).InvokeAsync();
