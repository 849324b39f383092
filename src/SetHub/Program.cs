using SetHub.Hosting;

// Every setting is checked before anything is generated or stored: a bad one stops the node with one line naming the
// key, and exit code 2.
WebApplication app;
try
{
    app = SetHubApplication.Build(args);
    await SetHubApplication.InitializeAsync(app);
}
catch (Exception exception) when (StartupErrors.ConfigurationMessage(exception) is { } message)
{
    await Console.Error.WriteLineAsync($"SetHub: invalid configuration: {message}");
    return StartupErrors.BadConfiguration;
}

await app.RunAsync();
return 0;
