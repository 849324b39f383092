using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Core.Events;
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
        string tenantId,
        JsonBody body,
        HttpRequest request,
        Publisher publisher,
        IdempotentPublisher idempotentPublisher,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var keys = request.Headers[IdempotencyKeys.HeaderName];
        if (keys.Count > 1)
        {
            return ApiResults.Error(Core.Results.OperationError.Invalid($"Send one '{IdempotencyKeys.HeaderName}' header."));
        }

        var idempotencyKey = keys.Count == 1 ? IdempotencyKeys.Unquote(keys[0]!) : null;
        var published = idempotencyKey is null
            ? await publisher.PublishAsync(tenantId, body.Root, cancellationToken)
            : await idempotentPublisher.PublishAsync(tenantId, idempotencyKey, body.Root, cancellationToken);
        if (!published.IsSuccess)
        {
            return ApiResults.Error(published.Error);
        }

        if (published.Value.Replayed)
        {
            response.Headers[IdempotencyKeys.ReplayedHeaderName] = "true";
        }

        return TypedResults.Accepted((string?)null, new PublishResponse(published.Value.Transaction, published.Value.Streams));
    }
}
