namespace SetHub.Core;

/// <summary>
/// Every wire string SetHub speaks: delivery method URNs, event type URIs, subject formats, status values,
/// error codes and media types. One place, so a typo cannot hide in a handler.
/// </summary>
public static class SsfConstants
{
    /// <summary>The SSF version this hub implements (SSF 1.0 §7.1 <c>spec_version</c>).</summary>
    public const string SpecVersion = "1_0";

    /// <summary>Delivery method URNs (SSF 1.0 §6.1).</summary>
    public static class DeliveryMethods
    {
        /// <summary>RFC 8935 push delivery (SSF 1.0 §6.1.1).</summary>
        public const string Push = "urn:ietf:rfc:8935";

        /// <summary>RFC 8936 poll delivery (SSF 1.0 §6.1.2).</summary>
        public const string Poll = "urn:ietf:rfc:8936";
    }

    /// <summary>Stream status values (SSF 1.0 §8.1.2).</summary>
    public static class StreamStatuses
    {
        /// <summary>The transmitter transmits events.</summary>
        public const string Enabled = "enabled";

        /// <summary>The transmitter holds events and sends them once re-enabled.</summary>
        public const string Paused = "paused";

        /// <summary>The transmitter neither transmits nor holds events.</summary>
        public const string Disabled = "disabled";
    }

    /// <summary><c>default_subjects</c> values (SSF 1.0 §7.1).</summary>
    public static class DefaultSubjects
    {
        /// <summary>Every appropriate subject is in a new stream.</summary>
        public const string All = "ALL";

        /// <summary>Only subjects added through the add-subject endpoint are in a stream.</summary>
        public const string None = "NONE";
    }

    /// <summary>Authorization scheme URNs for discovery metadata (SSF 1.0 §7.1.1).</summary>
    public static class AuthorizationSchemes
    {
        /// <summary>OAuth 2.0 bearer tokens (RFC 6750).</summary>
        public const string BearerToken = "urn:ietf:rfc:6750";
    }

    /// <summary>SSF's own event types (SSF 1.0 §8.1.4.1, §8.1.5).</summary>
    public static class SsfEvents
    {
        /// <summary>Common prefix of the SSF event type URIs.</summary>
        public const string Prefix = "https://schemas.openid.net/secevent/ssf/event-type/";

        /// <summary>Verification event (SSF 1.0 §8.1.4.1).</summary>
        public const string Verification = Prefix + "verification";

        /// <summary>Stream updated event (SSF 1.0 §8.1.5).</summary>
        public const string StreamUpdated = Prefix + "stream-updated";
    }

    /// <summary>CAEP 1.0 event types (CAEP 1.0 §3).</summary>
    public static class CaepEvents
    {
        /// <summary>Common prefix of the CAEP event type URIs.</summary>
        public const string Prefix = "https://schemas.openid.net/secevent/caep/event-type/";

        /// <summary>CAEP 1.0 §3.1.</summary>
        public const string SessionRevoked = Prefix + "session-revoked";

        /// <summary>CAEP 1.0 §3.2.</summary>
        public const string TokenClaimsChange = Prefix + "token-claims-change";

        /// <summary>CAEP 1.0 §3.3.</summary>
        public const string CredentialChange = Prefix + "credential-change";

        /// <summary>CAEP 1.0 §3.4.</summary>
        public const string AssuranceLevelChange = Prefix + "assurance-level-change";

        /// <summary>CAEP 1.0 §3.5.</summary>
        public const string DeviceComplianceChange = Prefix + "device-compliance-change";

        /// <summary>CAEP 1.0 §3.6.</summary>
        public const string SessionEstablished = Prefix + "session-established";

        /// <summary>CAEP 1.0 §3.7.</summary>
        public const string SessionPresented = Prefix + "session-presented";

        /// <summary>CAEP 1.0 §3.8.</summary>
        public const string RiskLevelChange = Prefix + "risk-level-change";
    }

    /// <summary>RISC 1.0 event types (RISC 1.0 §2).</summary>
    public static class RiscEvents
    {
        /// <summary>Common prefix of the RISC event type URIs.</summary>
        public const string Prefix = "https://schemas.openid.net/secevent/risc/event-type/";

        /// <summary>RISC 1.0 §2.1.</summary>
        public const string AccountCredentialChangeRequired = Prefix + "account-credential-change-required";

        /// <summary>RISC 1.0 §2.2.</summary>
        public const string AccountPurged = Prefix + "account-purged";

        /// <summary>RISC 1.0 §2.3.</summary>
        public const string AccountDisabled = Prefix + "account-disabled";

        /// <summary>RISC 1.0 §2.4.</summary>
        public const string AccountEnabled = Prefix + "account-enabled";

        /// <summary>RISC 1.0 §2.5.</summary>
        public const string IdentifierChanged = Prefix + "identifier-changed";

        /// <summary>RISC 1.0 §2.6.</summary>
        public const string IdentifierRecycled = Prefix + "identifier-recycled";

        /// <summary>RISC 1.0 §2.7.</summary>
        public const string CredentialCompromise = Prefix + "credential-compromise";

        /// <summary>RISC 1.0 §2.8.1.</summary>
        public const string OptIn = Prefix + "opt-in";

        /// <summary>RISC 1.0 §2.8.2.</summary>
        public const string OptOutInitiated = Prefix + "opt-out-initiated";

        /// <summary>RISC 1.0 §2.8.3.</summary>
        public const string OptOutCancelled = Prefix + "opt-out-cancelled";

        /// <summary>RISC 1.0 §2.8.4.</summary>
        public const string OptOutEffective = Prefix + "opt-out-effective";

        /// <summary>RISC 1.0 §2.9.</summary>
        public const string RecoveryActivated = Prefix + "recovery-activated";

        /// <summary>RISC 1.0 §2.10.</summary>
        public const string RecoveryInformationChanged = Prefix + "recovery-information-changed";

        /// <summary>RISC 1.0 §2.11; deprecated in favour of CAEP session-revoked (R142).</summary>
        public const string SessionsRevoked = Prefix + "sessions-revoked";
    }

    /// <summary>Subject identifier formats: RFC 9493 §3.2 and SSF 1.0 §3.3–§3.5.</summary>
    public static class SubjectFormats
    {
        /// <summary>RFC 9493 §3.2.1.</summary>
        public const string Account = "account";

        /// <summary>RFC 9493 §3.2.2.</summary>
        public const string Email = "email";

        /// <summary>RFC 9493 §3.2.3.</summary>
        public const string IssuerSubject = "iss_sub";

        /// <summary>RFC 9493 §3.2.4.</summary>
        public const string Opaque = "opaque";

        /// <summary>RFC 9493 §3.2.5.</summary>
        public const string PhoneNumber = "phone_number";

        /// <summary>RFC 9493 §3.2.6.</summary>
        public const string Did = "did";

        /// <summary>RFC 9493 §3.2.7.</summary>
        public const string Uri = "uri";

        /// <summary>RFC 9493 §3.2.8.</summary>
        public const string Aliases = "aliases";

        /// <summary>SSF 1.0 §3.5.1.</summary>
        public const string JwtId = "jwt_id";

        /// <summary>SSF 1.0 §3.5.2.</summary>
        public const string SamlAssertionId = "saml_assertion_id";

        /// <summary>SSF 1.0 §3.5.3.</summary>
        public const string IpAddresses = "ip-addresses";

        /// <summary>SSF 1.0 §3.3: a subject made of several simple members.</summary>
        public const string Complex = "complex";
    }

    /// <summary>Error codes in SetHub's JSON error bodies (<c>{"error": …, "description": …}</c>).</summary>
    public static class Errors
    {
        /// <summary>The request is malformed or violates a rule of the spec.</summary>
        public const string InvalidRequest = "invalid_request";

        /// <summary>No valid bearer token was presented.</summary>
        public const string InvalidToken = "invalid_token";

        /// <summary>The token is valid but may not act on this resource.</summary>
        public const string AccessDenied = "access_denied";

        /// <summary>The resource does not exist (or is not visible to the caller).</summary>
        public const string NotFound = "not_found";

        /// <summary>The request conflicts with the current state.</summary>
        public const string Conflict = "conflict";

        /// <summary>The caller must slow down.</summary>
        public const string TooManyRequests = "too_many_requests";
    }

    /// <summary>RFC 8935 §2.4 SET delivery error codes, used in poll <c>setErrs</c> and push responses.</summary>
    public static class DeliveryErrors
    {
        /// <summary>The request body is not a SET, or the payload does not match the event's definition.</summary>
        public const string InvalidRequest = "invalid_request";

        /// <summary>A signing or encryption key is invalid or unacceptable.</summary>
        public const string InvalidKey = "invalid_key";

        /// <summary>The SET issuer is not valid for the recipient.</summary>
        public const string InvalidIssuer = "invalid_issuer";

        /// <summary>The SET audience does not correspond to the recipient.</summary>
        public const string InvalidAudience = "invalid_audience";

        /// <summary>The recipient could not authenticate the transmitter.</summary>
        public const string AuthenticationFailed = "authentication_failed";

        /// <summary>The transmitter may not send this SET to this recipient.</summary>
        public const string AccessDenied = "access_denied";

        /// <summary>SSF 1.0 §8.1.4.1: the verification state did not match.</summary>
        public const string InvalidState = "invalid_state";
    }

    /// <summary>Media types.</summary>
    public static class MediaTypes
    {
        /// <summary>RFC 8417 §7.3 SET media type.</summary>
        public const string SecEventJwt = "application/secevent+jwt";

        /// <summary>JOSE <c>typ</c> header of a SET (RFC 8417 §2.3, SSF 1.0 §4.1.1).</summary>
        public const string SecEventJwtType = "secevent+jwt";

        /// <summary>JSON.</summary>
        public const string Json = "application/json";

        /// <summary>JWK Set (RFC 7517 §8.5).</summary>
        public const string JwkSet = "application/jwk-set+json";
    }

    /// <summary>JWS algorithms SetHub signs with (RFC 7518 §3.1).</summary>
    public static class Algorithms
    {
        /// <summary>ECDSA with P-256 and SHA-256: the default.</summary>
        public const string ES256 = "ES256";

        /// <summary>RSASSA-PKCS1-v1_5 with SHA-256, for receivers on the CAEP interoperability profile (R146).</summary>
        public const string RS256 = "RS256";
    }
}
