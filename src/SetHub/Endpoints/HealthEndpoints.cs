using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Core.Storage;
using SetHub.Json;

namespace SetHub.Endpoints;

/// <summary>Liveness and readiness probes for load balancers and orchestrators.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse("ok")));
        app.MapGet("/readyz", Ready);
        return app;
    }

    // Ready when the store answers.
    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Ready(ISettingsStore settings, CancellationToken cancellationToken)
    {
        try
        {
            await settings.GetSettingAsync("readiness_probe", cancellationToken);
            return TypedResults.Ok(new HealthResponse("ready"));
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            return TypedResults.Json(new HealthResponse("store unavailable"), SetHubJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
