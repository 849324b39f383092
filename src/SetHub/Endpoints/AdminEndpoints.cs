using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Core.Signing;
using SetHub.Core.Tenants;
using SetHub.Http;
using SetHub.Json;
using SetHub.Security;

namespace SetHub.Endpoints;

/// <summary>The operator and tenant API under <c>/admin</c> (the interface contract).</summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/tenants", ListTenants).RequireAuthorization(SetHubPolicies.Operator);

        var tenant = admin.MapGroup("/tenants/{tenantId}").RequireAuthorization(SetHubPolicies.TenantAdmin);
        tenant.MapPut(string.Empty, PutTenant);
        tenant.MapGet(string.Empty, GetTenant);
        tenant.MapPost("/receivers", RegisterReceiver);
        tenant.MapGet("/receivers", ListReceivers);
        tenant.MapGet("/receivers/{receiverId}", GetReceiver);
        tenant.MapDelete("/receivers/{receiverId}", DeleteReceiver);
        tenant.MapGet("/keys", ListKeys);
        tenant.MapPost("/keys:rotate", RotateKeys);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<TenantResponse>>> ListTenants(TenantService tenants, ITransmitterUrls urls, CancellationToken cancellationToken)
    {
        var all = await tenants.ListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TenantResponse>>(all.Select(t => ToResponse(t, urls, token: null)).ToArray());
    }

    private static async Task<Results<Created<TenantResponse>, Ok<TenantResponse>, JsonHttpResult<ErrorResponse>>> PutTenant(
        string tenantId, JsonBody body, TenantService tenants, ITransmitterUrls urls, CancellationToken cancellationToken)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var result = await tenants.PutAsync(tenantId, body.Root, cancellationToken);
        if (!result.IsSuccess)
        {
            return ApiResults.Error(result.Error);
        }

        var response = ToResponse(result.Value.Tenant, urls, result.Value.Token);
        return result.Value.Created
            ? TypedResults.Created($"/admin/tenants/{tenantId}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<TenantResponse>, JsonHttpResult<ErrorResponse>>> GetTenant(
        string tenantId, TenantService tenants, ITransmitterUrls urls, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken);
        return tenant.IsSuccess ? TypedResults.Ok(ToResponse(tenant.Value, urls, token: null)) : ApiResults.Error(tenant.Error);
    }

    private static async Task<Results<Created<ReceiverResponse>, JsonHttpResult<ErrorResponse>>> RegisterReceiver(
        string tenantId, JsonBody body, ReceiverService receivers, CancellationToken cancellationToken)
    {
        if (body.Error is { } invalid)
        {
            return ApiResults.Error(invalid);
        }

        var registration = await receivers.RegisterAsync(tenantId, body.Root, cancellationToken);
        if (!registration.IsSuccess)
        {
            return ApiResults.Error(registration.Error);
        }

        var receiver = registration.Value.Receiver;
        return TypedResults.Created($"/admin/tenants/{tenantId}/receivers/{receiver.ReceiverId}", ToResponse(receiver, registration.Value.Token));
    }

    private static async Task<Results<Ok<IReadOnlyList<ReceiverResponse>>, JsonHttpResult<ErrorResponse>>> ListReceivers(
        string tenantId, ReceiverService receivers, CancellationToken cancellationToken)
    {
        var list = await receivers.ListAsync(tenantId, cancellationToken);
        return list.IsSuccess
            ? TypedResults.Ok<IReadOnlyList<ReceiverResponse>>(list.Value.Select(r => ToResponse(r, token: null)).ToArray())
            : ApiResults.Error(list.Error);
    }

    private static async Task<Results<Ok<ReceiverResponse>, JsonHttpResult<ErrorResponse>>> GetReceiver(
        string tenantId, string receiverId, ReceiverService receivers, CancellationToken cancellationToken)
    {
        var receiver = await receivers.GetAsync(tenantId, receiverId, cancellationToken);
        return receiver.IsSuccess ? TypedResults.Ok(ToResponse(receiver.Value, token: null)) : ApiResults.Error(receiver.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<ErrorResponse>>> DeleteReceiver(
        string tenantId, string receiverId, ReceiverService receivers, CancellationToken cancellationToken) =>
        ApiResults.NoContentOr(await receivers.DeleteAsync(tenantId, receiverId, cancellationToken));

    private static async Task<Results<Ok<IReadOnlyList<SigningKeyResponse>>, JsonHttpResult<ErrorResponse>>> ListKeys(
        string tenantId, TenantService tenants, SigningKeyService keys, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken);
        if (!tenant.IsSuccess)
        {
            return ApiResults.Error(tenant.Error);
        }

        var published = await keys.GetPublishedKeysAsync(tenantId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SigningKeyResponse>>(published.Select(ToResponse).ToArray());
    }

    private static async Task<Results<Ok<KeyRotationResponse>, JsonHttpResult<ErrorResponse>>> RotateKeys(
        string tenantId, TenantService tenants, SigningKeyService keys, CancellationToken cancellationToken)
    {
        var tenant = await tenants.GetAsync(tenantId, cancellationToken);
        if (!tenant.IsSuccess)
        {
            return ApiResults.Error(tenant.Error);
        }

        var fresh = await keys.RotateAsync(tenantId, cancellationToken);
        return TypedResults.Ok(new KeyRotationResponse(fresh.Select(ToResponse).ToArray()));
    }

    private static TenantResponse ToResponse(Tenant tenant, ITransmitterUrls urls, string? token) => new(
        tenant.TenantId,
        tenant.DisplayName,
        tenant.DefaultSubjects,
        tenant.EffectiveEventsSupported,
        StreamManagementEndpoints.Seconds(tenant.InactivityTimeout),
        StreamManagementEndpoints.Seconds(tenant.MinVerificationInterval),
        urls.Issuer(tenant.TenantId),
        urls.JwksUri(tenant.TenantId),
        urls.ConfigurationUrl(tenant.TenantId),
        token);

    private static ReceiverResponse ToResponse(Receiver receiver, string? token) =>
        new(receiver.ReceiverId, receiver.Name, receiver.Audience, receiver.SigningAlgorithm, receiver.CreatedAt, token);

    private static SigningKeyResponse ToResponse(SigningKeyRecord key) => new(key.KeyId, key.Algorithm, key.CreatedAt, key.RetiredAt);
}
