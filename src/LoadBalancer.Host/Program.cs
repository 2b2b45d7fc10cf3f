using LoadBalancer.Host.Cli;
using LoadBalancer.Host.Serve;

SocketCompletionMode.Apply(args); // before the first socket exists
return LbCommandLine.Build().Parse(args).Invoke();
