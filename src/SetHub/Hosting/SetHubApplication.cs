using SetHub.Configuration;
using SetHub.Endpoints;
using SetHub.Http;
using Microsoft.Extensions.Options;

namespace SetHub.Hosting;

/// <summary>Builds the SetHub web application; Program.cs and the in-process tests share it.</summary>
internal static class SetHubApplication
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json ships beside the binary; relative data paths still resolve against the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        configure?.Invoke(builder);
        builder.Services.AddSetHub(builder.Configuration);

        // Every node is an Orleans silo; the HTTP front door runs in the same process and calls grains directly.
        builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration));

        var app = builder.Build();
        var basePath = TransmitterUrls.ConfiguredBasePath(app.Services.GetRequiredService<IOptions<SetHubOptions>>().Value);
        if (basePath.Length > 0)
        {
            app.UsePathBase(basePath);
        }

        app.UseMiddleware<RequestIds>();
        app.UseExceptionHandler(errors => errors.Run(WriteExceptionAsync));
        app.UseStatusCodePages(context => WriteStatusAsync(context.HttpContext));
        app.UseRouting();
        app.UseMiddleware<UnavailableAnswers>();
        app.UseAuthentication();
        app.UseAuthorization();

        // One root group, so every endpoint's error answers are completed alike (request id, Retry-After).
        var endpoints = app.MapGroup(string.Empty).AddEndpointFilter(ApiResults.CompleteErrorsAsync);
        endpoints.MapHealthEndpoints();
        endpoints.MapDiscoveryEndpoints();
        endpoints.MapAdminEndpoints();
        endpoints.MapAdminStreamEndpoints();
        endpoints.MapEventEndpoints();
        endpoints.MapTraceEndpoints();
        endpoints.MapStreamManagementEndpoints();
        endpoints.MapPollEndpoints();

        // The API description, and a page to browse it (Swagger UI, served from the package: no CDN).
        app.MapOpenApi();
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "openapi";
            options.SwaggerEndpoint("v1.json", "SetHub");
            options.DocumentTitle = "SetHub API";
        });
        return app;
    }

    /// <summary>Migrates the store and loads the keys; call before the server starts listening.</summary>
    public static Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default) =>
        SetHubStartup.InitializeAsync(app.Services, cancellationToken);

    // What reaches this handler is a bug: transient unavailability was answered 503 by UnavailableAnswers.
    private static Task WriteExceptionAsync(HttpContext context)
    {
        // The exception handler re-executes without the endpoint; the feature remembers the one that failed.
        var failed = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>();
        return ErrorBody.WriteAsync(context, failed?.Endpoint, "server_error", "An unexpected error occurred.");
    }

    // Errors the framework answers without a body (no route, wrong method, a query value that does not bind) still get
    // SetHub's JSON error body.
    private static Task WriteStatusAsync(HttpContext context)
    {
        var (code, description) = context.Response.StatusCode switch
        {
            StatusCodes.Status400BadRequest => ("invalid_request", "The request is malformed: check its parameters."),
            StatusCodes.Status404NotFound => ("not_found", "No such endpoint."),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", "This endpoint does not accept this HTTP method."),
            StatusCodes.Status413PayloadTooLarge => ("invalid_request", "The request body is too large."),
            StatusCodes.Status415UnsupportedMediaType => ("invalid_request", "Unsupported media type."),
            var status => ($"http_{status}", "The request could not be served."),
        };
        return ErrorBody.WriteAsync(context, context.GetEndpoint(), code, description);
    }
}
