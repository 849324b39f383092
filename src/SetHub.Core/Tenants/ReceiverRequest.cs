using System.Text.Json;
using SetHub.Core.Json;
using SetHub.Core.Results;
using SetHub.Core.Signing;

namespace SetHub.Core.Tenants;

/// <summary>
/// A receiver registration: <c>{"name", "audience", "signing_alg"?}</c>. <c>signing_alg</c> is ES256 (default) or
/// RS256, for receivers on the CAEP interoperability profile (R146).
/// </summary>
/// <param name="Name">A human-friendly name (the audience when absent).</param>
/// <param name="Audience">The <c>aud</c> of every stream the receiver creates.</param>
/// <param name="SigningAlgorithm">The JWS algorithm of its SETs.</param>
public sealed record ReceiverRequest(string Name, string Audience, string SigningAlgorithm)
{
    /// <summary>The longest name or audience accepted.</summary>
    public const int MaxLength = 512;

    /// <summary>Parses and validates a registration body.</summary>
    public static Result<ReceiverRequest> Parse(JsonElement body)
    {
        if (JsonBody.RequireObjectWithOnly(body, "name", "audience", "signing_alg") is { } shapeError)
        {
            return shapeError;
        }

        var audience = JsonBody.RequiredName(body, "audience", MaxLength);
        if (!audience.IsSuccess)
        {
            return audience.Error;
        }

        var name = JsonBody.OptionalName(body, "name", MaxLength);
        if (!name.IsSuccess)
        {
            return name.Error;
        }

        var algorithm = JsonBody.OptionalName(body, "signing_alg", 16);
        if (!algorithm.IsSuccess)
        {
            return algorithm.Error;
        }

        var signingAlgorithm = algorithm.Value ?? SsfConstants.Algorithms.ES256;
        return SigningKeyGenerator.IsSupported(signingAlgorithm)
            ? new ReceiverRequest(name.Value ?? audience.Value, audience.Value, signingAlgorithm)
            : OperationError.Invalid("'signing_alg' must be \"ES256\" or \"RS256\".");
    }
}
