using SetHub.Hosting;

var app = SetHubApplication.Build(args);
await SetHubApplication.InitializeAsync(app);
await app.RunAsync();
