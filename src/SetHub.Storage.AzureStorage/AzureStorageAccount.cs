using System.Data.Common;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace SetHub.Storage.AzureStorage;

/// <summary>
/// The storage account a SetHub deployment shares, and the names of everything it keeps there. The connection string
/// is either an ordinary Azure Storage connection string (an account key or SAS, <c>UseDevelopmentStorage=true</c> for
/// Azurite, or explicit emulator endpoints), or only the service endpoints (<c>TableEndpoint=…;BlobEndpoint=…</c>, or
/// <c>AccountName=…</c> for the public cloud's), in which case the nodes sign in with <c>DefaultAzureCredential</c>:
/// a managed identity in Azure (<c>AZURE_CLIENT_ID</c> names a user-assigned one), a developer's login elsewhere.
/// </summary>
public sealed partial class AzureStorageAccount
{
    private AzureStorageAccount(TableServiceClient tables, BlobServiceClient blobs, AzureStorageNames names)
    {
        Tables = tables;
        Blobs = blobs;
        Names = names;
    }

    /// <summary>The Table service.</summary>
    public TableServiceClient Tables { get; }

    /// <summary>The Blob service.</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>The tables and containers of this deployment.</summary>
    public AzureStorageNames Names { get; }

    /// <summary>Connects to the account named by <paramref name="connectionString"/>.</summary>
    /// <param name="connectionString">See the class remarks.</param>
    /// <param name="namePrefix">Starts every table and container name, so several deployments can share one account.</param>
    /// <param name="credential">The credential for an endpoints-only connection string; <c>DefaultAzureCredential</c> when
    /// <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The connection string or the prefix is malformed.</exception>
    public static AzureStorageAccount Connect(string connectionString, string namePrefix, TokenCredential? credential = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var names = new AzureStorageNames(namePrefix);
        var tableOptions = Configure(new TableClientOptions());
        var blobOptions = Configure(new BlobClientOptions());
        var parts = Parse(connectionString);
        if (parts.ContainsKey("UseDevelopmentStorage") || parts.ContainsKey("AccountKey") || parts.ContainsKey("SharedAccessSignature"))
        {
            return new AzureStorageAccount(new TableServiceClient(connectionString, tableOptions), new BlobServiceClient(connectionString, blobOptions), names);
        }

        var (tableEndpoint, blobEndpoint) = Endpoints(parts);
        credential ??= new DefaultAzureCredential();
        return new AzureStorageAccount(
            new TableServiceClient(tableEndpoint, credential, tableOptions),
            new BlobServiceClient(blobEndpoint, credential, blobOptions),
            names);
    }

    /// <summary>Whether <paramref name="prefix"/> can start table and container names: a lowercase letter, then up to
    /// 19 lowercase letters or digits (table names allow only letters and digits, container names only lowercase).</summary>
    public static bool IsValidPrefix(string? prefix) => prefix is not null && PrefixPattern().IsMatch(prefix);

    // Fail within seconds, well inside Orleans' 30 s response timeout: a request meeting an unreachable account answers
    // 503 with Retry-After (about 11 s at worst: two attempts of 5 s and a short pause) instead of hanging.
    private static T Configure<T>(T options)
        where T : ClientOptions
    {
        options.Retry.MaxRetries = 1;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    private static Dictionary<string, string> Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string key in builder.Keys)
        {
            parts[key] = Convert.ToString(builder[key], System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return parts;
    }

    private static (Uri Table, Uri Blob) Endpoints(Dictionary<string, string> parts)
    {
        if (parts.TryGetValue("TableEndpoint", out var table) && parts.TryGetValue("BlobEndpoint", out var blob))
        {
            return (Absolute(table, "TableEndpoint"), Absolute(blob, "BlobEndpoint"));
        }

        if (parts.TryGetValue("AccountName", out var account) && !string.IsNullOrWhiteSpace(account))
        {
            var suffix = parts.TryGetValue("EndpointSuffix", out var given) ? given : "core.windows.net";
            return (new Uri($"https://{account}.table.{suffix}/"), new Uri($"https://{account}.blob.{suffix}/"));
        }

        throw new ArgumentException(
            "The Azure Storage connection string needs an AccountKey or SharedAccessSignature, UseDevelopmentStorage=true, " +
            "or TableEndpoint and BlobEndpoint (or AccountName) to sign in with DefaultAzureCredential.");
    }

    private static Uri Absolute(string value, string name) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new ArgumentException($"The connection string's {name} must be an absolute http(s) URL.");

    [GeneratedRegex("^[a-z][a-z0-9]{0,19}$")]
    private static partial Regex PrefixPattern();
}
