using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SetHub.Configuration;
using SetHub.Core.Security;
using SetHub.Core.Storage;
using SetHub.Security;

namespace SetHub.Hosting;

/// <summary>
/// What must be true before a node serves requests: the schema is current, the master key is loaded and the
/// operator token is known. Runs before Kestrel listens.
/// </summary>
internal static partial class SetHubStartup
{
    private const string MasterKeySetting = "master_key";
    private const string AdminTokenHashSetting = "admin_token_hash";

    public static async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        // Every ValidateOnStart check now, before the store is touched and before a token or key is generated and
        // stored: a bad setting must not leave a token logged once and never shown again.
        services.GetService<IStartupValidator>()?.Validate();
        var options = services.GetRequiredService<IOptions<SetHubOptions>>().Value;
        var settings = services.GetRequiredService<ISettingsStore>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("SetHub.Startup");

        await services.GetRequiredService<IStoreInitializer>().InitializeAsync(cancellationToken);

        services.GetRequiredService<MasterKeyProtector>().Initialize(
            await LoadMasterKeyAsync(options, settings, logger, cancellationToken),
            options.PreviousMasterKeys.Select(Convert.FromBase64String));
        if (options.PublicBaseUrl is null &&
            services.GetRequiredService<IConfiguration>().GetSection(StorageOptions.SectionName).Get<StorageOptions>()?.IsCluster == true)
        {
            // Every node must hand out the same issuer and endpoint URLs: the load balancer's, not its own.
            LogClusterWithoutPublicBaseUrl(logger);
        }

        services.GetRequiredService<OperatorCredential>().Initialize(await LoadOperatorTokenHashAsync(options, settings, logger, cancellationToken));
    }

    private static async Task<byte[]> LoadMasterKeyAsync(SetHubOptions options, ISettingsStore settings, ILogger logger, CancellationToken cancellationToken)
    {
        if (options.MasterKey is { } configured)
        {
            return Convert.FromBase64String(configured);
        }

        // Several nodes may start at once: exactly one generated key wins and all of them use it.
        var stored = await settings.GetOrAddSettingAsync(MasterKeySetting, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken);
        LogMasterKeyInStore(logger);
        return Convert.FromBase64String(stored);
    }

    private static async Task<string> LoadOperatorTokenHashAsync(SetHubOptions options, ISettingsStore settings, ILogger logger, CancellationToken cancellationToken)
    {
        if (options.AdminToken is { } configured)
        {
            return BearerTokens.Hash(configured);
        }

        var token = BearerTokens.Generate(TokenKind.Operator);
        var hash = BearerTokens.Hash(token);
        var stored = await settings.GetOrAddSettingAsync(AdminTokenHashSetting, hash, cancellationToken);
        if (stored == hash)
        {
            // The interface contract: a generated operator token is logged once, at the start that created it.
            LogGeneratedAdminToken(logger, token);
        }

        return stored;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No SetHub:MasterKey is configured: private keys and push secrets are encrypted with a key kept in the store itself. Set SetHub__MasterKey in production.")]
    private static partial void LogMasterKeyInStore(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SetHub:PublicBaseUrl is not set: this node builds issuer and endpoint URLs from its own address. In a cluster, set SetHub__PublicBaseUrl to the load balancer's URL on every node.")]
    private static partial void LogClusterWithoutPublicBaseUrl(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated the operator token (shown only this once; set SetHub__AdminToken to choose your own): {AdminToken}")]
    private static partial void LogGeneratedAdminToken(ILogger logger, string adminToken);
}
