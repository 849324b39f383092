using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using SetHub.Core;
using SetHub.Core.Signing;
using Microsoft.Extensions.Options;
using SetHub.Hosting;
using SetHub.Http;
using SetHub.Json;
using SetHub.Snapshots;

namespace SetHub.Endpoints;

/// <summary>Public, unauthenticated transmitter discovery (SSF 1.0 §7) and the JWKS of each tenant. A disabled tenant's
/// discovery answers 403; its JWKS stays published, so SETs already delivered can still be verified.</summary>
internal static class DiscoveryEndpoints
{
    private static readonly string[] DeliveryMethods = [SsfConstants.DeliveryMethods.Push, SsfConstants.DeliveryMethods.Poll];
    private static readonly AuthorizationSchemeResponse[] AuthorizationSchemes = [new(SsfConstants.AuthorizationSchemes.BearerToken)];

    public static IEndpointRouteBuilder MapDiscoveryEndpoints(this IEndpointRouteBuilder app)
    {
        // SSF 1.0 §7.2: the well-known string goes between the host and the issuer's path.
        app.MapGet(TransmitterUrls.WellKnownPath + "/{**issuerPath}", GetMetadataByIssuerPath);

        // The same document where clients that append the well-known suffix look for it.
        app.MapGet(TransmitterUrls.TenantPrefix + TransmitterUrls.WellKnownPath, GetMetadata);

        app.MapGet(TransmitterUrls.TenantPrefix + "/jwks.json", GetJwks);
        return app;
    }

    private static Task<Results<Ok<TransmitterMetadataResponse>, JsonHttpResult<ErrorResponse>>> GetMetadataByIssuerPath(
        string? issuerPath,
        TransmitterUrls urls,
        TenantSnapshots snapshots,
        HttpResponse response)
    {
        // issuerPath is "{base path}/tenants/{tenantId}" without the leading slash. SSF 1.0 §7.2.1 strips a trailing '/'
        // from the issuer path before inserting the well-known string, and the OIDF suite tolerates one (R80): one
        // trailing '/' names the same issuer.
        if (issuerPath is [.., '/'])
        {
            issuerPath = issuerPath[..^1];
        }

        var prefix = urls.BasePath.TrimStart('/') is { Length: > 0 } basePath ? basePath + "/tenants/" : "tenants/";
        var tenantId = issuerPath is not null && issuerPath.StartsWith(prefix, StringComparison.Ordinal) ? issuerPath[prefix.Length..] : null;
        return GetMetadata(tenantId ?? string.Empty, urls, snapshots, response);
    }

    private static async Task<Results<Ok<TransmitterMetadataResponse>, JsonHttpResult<ErrorResponse>>> GetMetadata(
        string tenantId,
        TransmitterUrls urls,
        TenantSnapshots snapshots,
        HttpResponse response)
    {
        var tenant = (await snapshots.GetAsync(tenantId))?.Tenant;
        if (tenant is null)
        {
            return ApiResults.Error(Core.Results.OperationError.NotFound("No transmitter is configured at this issuer."));
        }

        if (tenant.Disabled)
        {
            return ApiResults.Error(Core.Results.OperationError.Forbidden("This transmitter is disabled."));
        }

        response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Ok(new TransmitterMetadataResponse(
            SpecVersion: SsfConstants.SpecVersion,
            Issuer: urls.Issuer(tenantId),
            JwksUri: urls.JwksUri(tenantId),
            DeliveryMethodsSupported: DeliveryMethods,
            ConfigurationEndpoint: urls.ConfigurationEndpoint(tenantId),
            StatusEndpoint: urls.StatusEndpoint(tenantId),
            AddSubjectEndpoint: urls.AddSubjectEndpoint(tenantId),
            RemoveSubjectEndpoint: urls.RemoveSubjectEndpoint(tenantId),
            VerificationEndpoint: urls.VerificationEndpoint(tenantId),
            AuthorizationSchemes: AuthorizationSchemes,
            DefaultSubjects: tenant.DefaultSubjects));
    }

    private static async Task<IResult> GetJwks(
        string tenantId,
        TenantSnapshots snapshots,
        IOptions<SigningKeyOptions> keyOptions,
        TimeProvider time,
        HttpResponse response)
    {
        if (await snapshots.GetAsync(tenantId) is not { } view)
        {
            return ApiResults.Error(Core.Results.OperationError.NotFound("No transmitter is configured at this issuer."));
        }

        // The public JWKs are stored as JSON, so the set is assembled without re-serializing them.
        var published = SigningKeyRing.Published(view.Keys, time.GetUtcNow(), keyOptions.Value.RotationGracePeriod);
        var json = new StringBuilder("{\"keys\":[");
        json.AppendJoin(',', published.Select(key => key.PublicJwk));
        json.Append("]}");

        // Short caching: a receiver that meets an unknown kid after a rotation refetches soon enough.
        response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Content(json.ToString(), SsfConstants.MediaTypes.Json, Encoding.UTF8);
    }
}
