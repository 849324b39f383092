namespace SetHub.Core.Tenants;

/// <summary>The public URLs of each tenant's transmitter. The host says where issuers and discovery documents are;
/// <see cref="TransmitterUrlLayout"/> lays out the rest below the issuer; the rules only use them.</summary>
public interface ITransmitterUrls
{
    /// <summary>The tenant's issuer (SSF 1.0 §7.1 <c>issuer</c>; <c>iss</c> of its SETs).</summary>
    string Issuer(string tenantId);

    /// <summary>The discovery document URL (SSF 1.0 §7.2: the well-known string inserted before the issuer path).</summary>
    string ConfigurationUrl(string tenantId);

    /// <summary>The JWKS URL.</summary>
    string JwksUri(string tenantId);

    /// <summary>The stream configuration endpoint.</summary>
    string ConfigurationEndpoint(string tenantId);

    /// <summary>The stream status endpoint.</summary>
    string StatusEndpoint(string tenantId);

    /// <summary>The add-subject endpoint.</summary>
    string AddSubjectEndpoint(string tenantId);

    /// <summary>The remove-subject endpoint.</summary>
    string RemoveSubjectEndpoint(string tenantId);

    /// <summary>The verification endpoint.</summary>
    string VerificationEndpoint(string tenantId);

    /// <summary>The RFC 8936 poll endpoint of one stream: unique per stream (SSF 1.0 §6.1.2).</summary>
    string PollEndpoint(string tenantId, string streamId);
}
