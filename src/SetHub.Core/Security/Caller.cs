namespace SetHub.Core.Security;

/// <summary>Who is calling, as established from the bearer token before anything else happens.</summary>
/// <param name="Kind">Operator, tenant or receiver.</param>
/// <param name="TenantId">The tenant the token belongs to (<see langword="null"/> for the operator).</param>
/// <param name="ReceiverId">The receiver, for a receiver token.</param>
public sealed record Caller(TokenKind Kind, string? TenantId, string? ReceiverId)
{
    /// <summary>The operator.</summary>
    public static Caller Operator { get; } = new(TokenKind.Operator, null, null);

    /// <summary>Whether this caller may administer <paramref name="tenantId"/>: the operator, or that tenant's token.</summary>
    public bool CanAdminister(string tenantId) =>
        Kind == TokenKind.Operator || (Kind == TokenKind.Tenant && TenantId == tenantId);
}
