using Microsoft.Extensions.Options;
using Orleans.Configuration;
using SetHub.Configuration;
using SetHub.Core.Streams;
using SetHub.Grains;
using SetHub.Storage.AzureStorage;
using SetHub.Storage.Relational;

namespace SetHub.Hosting;

/// <summary>The Orleans silo every node hosts beside its HTTP front door.</summary>
internal static class SiloConfiguration
{
    /// <summary>
    /// Membership tuned to declare a dead node dead in seconds, not the default minute, without evicting a healthy node
    /// that is merely busy: a probe may take 1 to 2 s (it adapts to observed latency, and stretches while the local silo
    /// is degraded), three missed probes make a suspicion, two silos must vote (capped by Orleans at a majority of
    /// the live ones), and silos re-read the membership table every 2 s. A killed process refuses connections at once,
    /// so it is declared dead in about a second or two. A hung one is suspected only once its connections have carried
    /// no message for MaxProbeTimeout × NumMissedProbesLimit (6 s): Orleans suppresses votes against a silo that is
    /// demonstrably talking, which is what keeps a saturated but healthy node in the cluster.
    /// </summary>
    public static void TuneMembership(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.MinProbeTimeout = TimeSpan.FromSeconds(1);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
    }

    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var cluster = configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();
        if (new ClusterSettingsValidator().Validate(null, cluster) is { Failed: true } invalid)
        {
            // The silo is configured before the host validates options: check what it uses here.
            throw new OptionsValidationException(ClusterSettings.SectionName, typeof(ClusterSettings), invalid.Failures);
        }
        var streams = configuration.GetSection(StreamOptions.SectionName).Get<StreamOptions>() ?? new StreamOptions();

        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });

        if (storage.Provider == StorageProvider.Sqlite)
        {
            // One node: membership in memory.
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
        }
        else
        {
            silo.ConfigureEndpoints(cluster.ResolveAdvertisedAddress(storage.Provider), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        }

        silo.Configure<ClusterMembershipOptions>(TuneMembership);
        silo.Configure<GrainDirectoryOptions>(options =>
        {
            // The cache of where remote grains live preallocates for its capacity (Orleans' default of 1,000,000 is
            // about 19 MB per silo before any grain is called); 100,000 covers the streams a node fans out to, and a
            // miss costs one directory lookup.
            options.CacheSize = 100_000;
        });
        if (storage.Provider == StorageProvider.AzureStorage)
        {
            silo.UseSetHubAzureStorage(tableStateStorage: GrainStorageNames.Streams, blobStateStorage: GrainStorageNames.Tenants);
        }
        else
        {
            if (storage.Provider != StorageProvider.Sqlite)
            {
                silo.UseSetHubClustering();
            }

            silo.UseSetHubReminders();
            silo.AddSetHubGrainStorage(GrainStorageNames.Streams);
            silo.AddSetHubGrainStorage(GrainStorageNames.Tenants);
        }

        silo.Configure<ReminderOptions>(options =>
        {
            // Each stream's reminder is its durable wake-up; a period shorter than Orleans' default minimum is allowed
            // when configured (tests use seconds).
            if (streams.ReminderPeriod < options.MinimumReminderPeriod)
            {
                options.MinimumReminderPeriod = streams.ReminderPeriod;
            }
        });
        silo.AddSetHubGrains();
    }
}
