using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Http;
using SetHub.Json;
using SetHub.Publishing;
using SetHub.Security;

namespace SetHub.Endpoints;

/// <summary>The publish API: events enter a tenant here and leave as one signed SET per matching stream.</summary>
internal static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/tenants/{tenantId}/events", Publish).RequireAuthorization(SetHubPolicies.TenantAdmin);
        return app;
    }

    // 202: every SET is committed before the answer, so an accepted event is delivered or dead-lettered, never lost.
    private static async Task<Results<Accepted<PublishResponse>, JsonHttpResult<ErrorResponse>>> Publish(
        string tenantId, JsonBody body, Publisher publisher, CancellationToken cancellationToken)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var published = await publisher.PublishAsync(tenantId, body.Root, cancellationToken);
        return published.IsSuccess
            ? TypedResults.Accepted((string?)null, new PublishResponse(published.Value.Transaction, published.Value.Streams))
            : ApiResults.Error(published.Error);
    }
}
