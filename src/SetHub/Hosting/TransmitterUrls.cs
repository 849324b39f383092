using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using SetHub.Configuration;
using SetHub.Core.Tenants;

namespace SetHub.Hosting;

/// <summary>
/// SetHub's URL layout. Tenant <c>t</c> has the issuer <c>{base}/tenants/t</c>, its discovery document at
/// <c>{origin}/.well-known/ssf-configuration{base path}/tenants/t</c> (SSF 1.0 §7.2), and its SSF endpoints under
/// <c>{issuer}/ssf/</c> (<see cref="TransmitterUrlLayout"/>). <c>{base}</c> is <c>SetHub:PublicBaseUrl</c>, or else the
/// address the server listens on.
/// </summary>
internal sealed class TransmitterUrls(IOptions<SetHubOptions> options, IConfiguration configuration, IServer server) : TransmitterUrlLayout
{
    /// <summary>The route prefix of everything a tenant serves.</summary>
    public const string TenantPrefix = "/tenants/{tenantId}";

    /// <summary>The well-known path of SSF discovery (SSF 1.0 §7.2).</summary>
    public const string WellKnownPath = "/.well-known/ssf-configuration";

    private Uri? _baseUri;

    /// <summary>The path part of the public base URL without a trailing slash ("" at the root).</summary>
    public string BasePath => BaseUri.AbsolutePath.TrimEnd('/');

    public override string Issuer(string tenantId) => $"{Origin}{BasePath}/tenants/{tenantId}";

    public override string ConfigurationUrl(string tenantId) => $"{Origin}{WellKnownPath}{BasePath}/tenants/{tenantId}";

    /// <summary>The path base to serve under, known before the server starts (only from <c>PublicBaseUrl</c>).</summary>
    public static string ConfiguredBasePath(SetHubOptions options) =>
        options.PublicBaseUrl is { } url ? new Uri(url).AbsolutePath.TrimEnd('/') : string.Empty;

    private string Origin => BaseUri.GetLeftPart(UriPartial.Authority);

    private Uri BaseUri => _baseUri ??= ResolveBaseUri();

    private Uri ResolveBaseUri()
    {
        if (options.Value.PublicBaseUrl is { } configured)
        {
            return new Uri(configured);
        }

        // Default: the first --urls address. Wildcard hosts and port 0 only become real addresses once the server
        // listens, so ask the server then.
        var candidates = (configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var first = candidates.FirstOrDefault();
        if (first is null || IsWildcard(first))
        {
            first = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5000";
        }

        var builder = new UriBuilder(first.Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal));
        return builder.Uri;
    }

    private static bool IsWildcard(string url) =>
        url.Contains("://*", StringComparison.Ordinal) || url.Contains("://+", StringComparison.Ordinal) ||
        url.Contains("://0.0.0.0", StringComparison.Ordinal) || url.Contains("://[::]", StringComparison.Ordinal) ||
        url.EndsWith(":0", StringComparison.Ordinal) || url.EndsWith(":0/", StringComparison.Ordinal);
}
