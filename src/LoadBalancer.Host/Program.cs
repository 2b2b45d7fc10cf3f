using LoadBalancer.Host.Cli;

return LbCommandLine.Build().Parse(args).Invoke();
