using SetHub.Core.Security;

namespace SetHub.Security;

/// <summary>The operator token's hash, configured or generated; set at start-up.</summary>
internal sealed class OperatorCredential
{
    private string? _tokenHash;

    public void Initialize(string tokenHash) => _tokenHash = tokenHash;

    public bool Matches(string tokenHash) => _tokenHash is not null && BearerTokens.HashesEqual(_tokenHash, tokenHash);
}
