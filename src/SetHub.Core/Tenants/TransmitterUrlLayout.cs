namespace SetHub.Core.Tenants;

/// <summary>
/// SetHub's URL layout below a tenant's issuer: the JWKS at <c>{issuer}/jwks.json</c> and the SSF endpoints under
/// <c>{issuer}/ssf/</c>, mirroring the spec's examples. Where the issuer and the discovery document are is the host's
/// to say.
/// </summary>
public abstract class TransmitterUrlLayout : ITransmitterUrls
{
    /// <inheritdoc />
    public abstract string Issuer(string tenantId);

    /// <inheritdoc />
    public abstract string ConfigurationUrl(string tenantId);

    /// <inheritdoc />
    public string JwksUri(string tenantId) => $"{Issuer(tenantId)}/jwks.json";

    /// <inheritdoc />
    public string ConfigurationEndpoint(string tenantId) => $"{Issuer(tenantId)}/ssf/streams";

    /// <inheritdoc />
    public string StatusEndpoint(string tenantId) => $"{Issuer(tenantId)}/ssf/status";

    /// <inheritdoc />
    public string AddSubjectEndpoint(string tenantId) => $"{Issuer(tenantId)}/ssf/subjects:add";

    /// <inheritdoc />
    public string RemoveSubjectEndpoint(string tenantId) => $"{Issuer(tenantId)}/ssf/subjects:remove";

    /// <inheritdoc />
    public string VerificationEndpoint(string tenantId) => $"{Issuer(tenantId)}/ssf/verify";

    /// <inheritdoc />
    public string PollEndpoint(string tenantId, string streamId) => $"{Issuer(tenantId)}/ssf/poll/{streamId}";
}
