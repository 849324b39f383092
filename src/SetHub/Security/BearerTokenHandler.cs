using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SetHub.Core;
using SetHub.Core.Security;
using SetHub.Http;
using SetHub.Snapshots;

namespace SetHub.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c> tokens (RFC 6750 §2.1; never from the query, R147). The operator token
/// is checked against its hash; tenant and receiver tokens are looked up within the tenant they name. Runs before the
/// endpoint, hence before any body is read.
/// </summary>
internal sealed partial class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorCredential operatorCredential,
    TenantSnapshots tenants)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SetHubBearer";

    private const string BearerPrefix = "Bearer ";
    private const int MaxTokenLength = 512;

    // A refused credential is expected traffic, not news: one debug line per refusal, under a category of its own (the
    // base class's own information lines are filtered out in appsettings.json).
    private const string RejectionsCategory = "SetHub.Security.Rejections";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization;
        if (header.Count == 0)
        {
            return AuthenticateResult.NoResult();
        }

        var value = header.Count == 1 ? header[0] : null;
        if (value is null || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must carry one Bearer token.");
        }

        var token = value[BearerPrefix.Length..].Trim();
        if (token.Length is 0 or > MaxTokenLength)
        {
            return AuthenticateResult.Fail("The bearer token is malformed.");
        }

        var hash = BearerTokens.Hash(token);
        if (operatorCredential.Matches(hash))
        {
            return Success(Caller.Operator, tenantDisabled: false);
        }

        // The token names its tenant; the credential is looked up within that tenant only (in this silo's snapshot of
        // it). Whether the tenant may use this route is the authorization policy's question (403), not authentication's (401).
        if (BearerTokens.TryReadTenant(token, out var tenantId) && await tenants.GetAsync(tenantId) is { } view)
        {
            if (BearerTokens.HashesEqual(view.TokenHash, hash))
            {
                return Success(new Caller(TokenKind.Tenant, tenantId, null), view.Tenant.Disabled);
            }

            if (view.FindReceiver(hash) is { } receiverId)
            {
                return Success(new Caller(TokenKind.Receiver, tenantId, receiverId), view.Tenant.Disabled);
            }
        }

        return AuthenticateResult.Fail("The bearer token is not valid for this resource.");
    }

    /// <summary>The RFC 6750 §3 challenge to a request whose token was presented but is not (or no longer) valid.</summary>
    public const string InvalidTokenChallenge = "Bearer realm=\"SetHub\", error=\"invalid_token\"";

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // RFC 6750 §3: name the scheme, and say "invalid_token" when a token was presented (R59).
        var presented = Request.Headers.Authorization.Count > 0;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = presented ? InvalidTokenChallenge : "Bearer realm=\"SetHub\"";
        var description = presented ? "The bearer token is missing, malformed or not valid for this resource." : "A bearer token is required.";
        LogRejected(StatusCodes.Status401Unauthorized, description);
        await ErrorBody.WriteAsync(Context, Context.GetEndpoint(), SsfConstants.Errors.InvalidToken, description);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var description = Context.User.IsTenantDisabled() ? "The tenant is disabled." : "This token may not use this endpoint.";
        LogRejected(StatusCodes.Status403Forbidden, description);
        await ErrorBody.WriteAsync(Context, Context.GetEndpoint(), SsfConstants.Errors.AccessDenied, description);
    }

    // A handler is made per request: the logger is looked up only when there is something to log.
    private void LogRejected(int status, string reason)
    {
        var rejections = Context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(RejectionsCategory);
        if (rejections.IsEnabled(LogLevel.Debug))
        {
            LogRejected(rejections, Request.Method, Request.Path.Value ?? string.Empty, status, reason, Context.TraceIdentifier);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered {Status}: {Reason} (request {RequestId})")]
    private static partial void LogRejected(ILogger logger, string method, string path, int status, string reason, string requestId);

    private static AuthenticateResult Success(Caller caller, bool tenantDisabled) =>
        AuthenticateResult.Success(new AuthenticationTicket(SetHubClaims.ToPrincipal(caller, SchemeName, tenantDisabled), SchemeName));
}
