using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Results;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Storage;

namespace SetHub.Core.Tenants;

/// <summary>The outcome of <see cref="ReceiverService.RegisterAsync"/>.</summary>
/// <param name="Receiver">The receiver as stored.</param>
/// <param name="Token">Its bearer token; shown once, stored only as a hash.</param>
public sealed record ReceiverRegistration(Receiver Receiver, string Token);

/// <summary>Registers, lists and removes a tenant's receivers.</summary>
public sealed class ReceiverService(
    ITenantStore tenants,
    IReceiverStore receivers,
    SigningKeyService keys,
    TimeProvider timeProvider)
{
    /// <summary>The longest name or audience accepted.</summary>
    public const int MaxLength = 512;

    /// <summary>
    /// Registers a receiver: <c>{"name", "audience", "signing_alg"?}</c>. <c>signing_alg</c> is ES256 (default) or
    /// RS256, for receivers on the CAEP interoperability profile (R146); the tenant's RS256 key is created now so it
    /// is in the JWKS before the first SET.
    /// </summary>
    public async Task<Result<ReceiverRegistration>> RegisterAsync(string tenantId, JsonElement body, CancellationToken cancellationToken = default)
    {
        if (await tenants.GetTenantAsync(tenantId, cancellationToken) is null)
        {
            return OperationError.NotFound($"No tenant '{tenantId}'.");
        }

        if (JsonBody.RequireObjectWithOnly(body, "name", "audience", "signing_alg") is { } shapeError)
        {
            return shapeError;
        }

        var audience = JsonBody.RequiredString(body, "audience", MaxLength);
        if (!audience.IsSuccess)
        {
            return audience.Error;
        }

        var name = JsonBody.OptionalString(body, "name", MaxLength);
        if (!name.IsSuccess)
        {
            return name.Error;
        }

        var algorithm = JsonBody.OptionalString(body, "signing_alg", 16);
        if (!algorithm.IsSuccess)
        {
            return algorithm.Error;
        }

        var signingAlgorithm = algorithm.Value ?? SsfConstants.Algorithms.ES256;
        if (!SigningKeyGenerator.IsSupported(signingAlgorithm))
        {
            return OperationError.Invalid("'signing_alg' must be \"ES256\" or \"RS256\".");
        }

        await keys.GetSigningKeyAsync(tenantId, signingAlgorithm, cancellationToken);

        var receiver = new Receiver(
            tenantId,
            Identifiers.New(timeProvider),
            name.Value ?? audience.Value,
            audience.Value,
            signingAlgorithm,
            timeProvider.GetUtcNow());
        var token = BearerTokens.Generate(TokenKind.Receiver, tenantId);
        await receivers.CreateReceiverAsync(receiver, BearerTokens.Hash(token), cancellationToken);
        return new ReceiverRegistration(receiver, token);
    }

    /// <summary>Reads a receiver.</summary>
    public async Task<Result<Receiver>> GetAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default) =>
        await receivers.GetReceiverAsync(tenantId, receiverId, cancellationToken) is { } receiver
            ? receiver
            : OperationError.NotFound($"No receiver '{receiverId}' in tenant '{tenantId}'.");

    /// <summary>Lists a tenant's receivers.</summary>
    public async Task<Result<IReadOnlyList<Receiver>>> ListAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        if (await tenants.GetTenantAsync(tenantId, cancellationToken) is null)
        {
            return OperationError.NotFound($"No tenant '{tenantId}'.");
        }

        return Result<IReadOnlyList<Receiver>>.Success(await receivers.ListReceiversAsync(tenantId, cancellationToken));
    }

    /// <summary>Removes a receiver: its token stops working and its streams and queued SETs are deleted.</summary>
    public async Task<OperationError?> DeleteAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default) =>
        await receivers.DeleteReceiverAsync(tenantId, receiverId, cancellationToken)
            ? null
            : OperationError.NotFound($"No receiver '{receiverId}' in tenant '{tenantId}'.");
}
