using Microsoft.AspNetCore.Authorization;
using SetHub.Core.Security;

namespace SetHub.Security;

/// <summary>Who may call what. Tenant and receiver tokens are only ever authenticated on their own tenant's routes
/// (see <see cref="BearerTokenHandler"/>), so the policies only need to check the kind of token.</summary>
internal static class SetHubPolicies
{
    /// <summary>The operator only.</summary>
    public const string Operator = "Operator";

    /// <summary>The operator, or the tenant named in the route.</summary>
    public const string TenantAdmin = "TenantAdmin";

    /// <summary>A receiver of the tenant named in the route.</summary>
    public const string Receiver = "Receiver";

    public static AuthorizationBuilder AddSetHubPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Operator, policy => policy.RequireClaim(SetHubClaims.Kind, nameof(TokenKind.Operator)))
        .AddPolicy(TenantAdmin, policy => policy.RequireClaim(SetHubClaims.Kind, nameof(TokenKind.Operator), nameof(TokenKind.Tenant)))
        .AddPolicy(Receiver, policy => policy.RequireClaim(SetHubClaims.Kind, nameof(TokenKind.Receiver)));
}
