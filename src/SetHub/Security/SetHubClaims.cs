using System.Security.Claims;
using SetHub.Core.Security;

namespace SetHub.Security;

/// <summary>Claim types of an authenticated SetHub caller, and the conversion to a <see cref="Caller"/>.</summary>
internal static class SetHubClaims
{
    public const string Kind = "sethub:kind";
    public const string TenantId = "sethub:tenant";
    public const string ReceiverId = "sethub:receiver";

    /// <summary>Present when the caller's tenant is disabled: its tenant and receiver tokens authenticate, and are
    /// forbidden (403) everywhere.</summary>
    public const string TenantDisabled = "sethub:tenant-disabled";

    public static ClaimsPrincipal ToPrincipal(Caller caller, string scheme, bool tenantDisabled = false)
    {
        var claims = new List<Claim> { new(Kind, caller.Kind.ToString()) };
        if (tenantDisabled)
        {
            claims.Add(new Claim(TenantDisabled, "true"));
        }

        if (caller.TenantId is not null)
        {
            claims.Add(new Claim(TenantId, caller.TenantId));
        }

        if (caller.ReceiverId is not null)
        {
            claims.Add(new Claim(ReceiverId, caller.ReceiverId));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>Whether the caller's tenant is disabled.</summary>
    public static bool IsTenantDisabled(this ClaimsPrincipal principal) => principal.HasClaim(claim => claim.Type == TenantDisabled);

    /// <summary>The caller behind an authenticated request.</summary>
    public static Caller GetCaller(this ClaimsPrincipal principal)
    {
        var kind = Enum.Parse<TokenKind>(principal.FindFirstValue(Kind) ?? throw new InvalidOperationException("The request is not authenticated."));
        return new Caller(kind, principal.FindFirstValue(TenantId), principal.FindFirstValue(ReceiverId));
    }
}
