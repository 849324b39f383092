using Microsoft.AspNetCore.Authorization;
using SetHub.Core.Security;

namespace SetHub.Security;

/// <summary>Who may call what. A tenant or receiver token only ever acts on the tenant named in the route; on another
/// tenant's routes it is authenticated but forbidden (403), and so is every token of a disabled tenant.</summary>
internal static class SetHubPolicies
{
    /// <summary>The operator only.</summary>
    public const string Operator = "Operator";

    /// <summary>The operator, or the tenant named in the route.</summary>
    public const string TenantAdmin = "TenantAdmin";

    /// <summary>A receiver of the tenant named in the route.</summary>
    public const string Receiver = "Receiver";

    public static AuthorizationBuilder AddSetHubPolicies(this AuthorizationBuilder builder) => builder
        .AddPolicy(Operator, policy => policy.RequireAssertion(context => Caller(context)?.Kind == TokenKind.Operator))
        .AddPolicy(TenantAdmin, policy => policy.RequireAssertion(context => Caller(context) is { } caller &&
            (caller.Kind == TokenKind.Operator || (caller.Kind == TokenKind.Tenant && IsRouteTenant(context, caller) && !context.User.IsTenantDisabled()))))
        .AddPolicy(Receiver, policy => policy.RequireAssertion(context => Caller(context) is { } caller &&
            caller.Kind == TokenKind.Receiver && IsRouteTenant(context, caller) && !context.User.IsTenantDisabled()));

    private static Caller? Caller(AuthorizationHandlerContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.User.GetCaller() : null;

    private static bool IsRouteTenant(AuthorizationHandlerContext context, Caller caller) =>
        context.Resource is HttpContext http && http.GetRouteValue("tenantId") is string tenantId &&
        string.Equals(tenantId, caller.TenantId, StringComparison.Ordinal);
}
