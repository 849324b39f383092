using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;
using SetHub.Storage.Relational;
using SetHub.Storage.Sqlite;
using SetHub.Tests.Shared;

namespace SetHub.Storage.Tests;

/// <summary>Orleans silos running on SetHub's providers over one SQLite file, end to end.</summary>
public sealed class SqliteClusterTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sethub-tests", Guid.NewGuid().ToString("N"));
    private SqliteDatabase? _database;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private SqliteDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase($"Data Source={Path.Combine(_folder, "cluster.db")}");
        await _database.InitializeAsync(Cancel);
    }

    public ValueTask DisposeAsync()
    {
        _database?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TwoSilos_KeepGrainStateAndFireRemindersThroughSetHubsProviders()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            // Both silos share the one database, as nodes share one PostgreSQL.
            silo.Services.AddSingleton<RelationalDatabase>(Database);
            silo.AddSetHubGrainStorageAsDefault();
            silo.UseSetHubReminders();
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync(Cancel);
        Assert.Equal(2, cluster.Silos.Count);

        var grains = Enumerable.Range(0, 20).Select(i => cluster.Client.GetGrain<IProviderTestGrain>($"grain-{i}")).ToArray();
        foreach (var grain in grains)
        {
            await grain.Increment();
            Assert.Equal(2, await grain.Increment());
            await grain.Deactivate();
        }

        // Reactivated: the counts come back from the grain_state table.
        Assert.All(await Task.WhenAll(grains.Select(grain => grain.GetCount())), count => Assert.Equal(2, count));
        Assert.Equal(20L, await CountAsync("SELECT count(*) FROM grain_state WHERE payload IS NOT NULL"));

        // Stored with Orleans' binary serializer (the registration's default), not the silo-wide JSON one.
        var stored = ProvidersUnderTest.Serializer.Deserialize<ProviderTestState>(new BinaryData(await PayloadAsync(grains[0].GetGrainId())));
        Assert.Equal(2, stored!.Count);

        await grains[0].StartReminder(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM reminders WHERE service_id = '{cluster.Options.ServiceId}'"));
        while (await grains[0].GetReminderTicks() == 0)
        {
            await Task.Delay(50, Cancel); // the test's own timeout bounds this wait
        }

        Assert.Equal(2, await grains[0].GetCount());
    }

    [Fact]
    public async Task TwoSiloHosts_FormAClusterThroughSetHubsMembershipTable()
    {
        var clusterId = $"cluster-{Guid.NewGuid():N}";
        using var first = BuildSilo(clusterId);
        using var second = BuildSilo(clusterId);
        await first.StartAsync(Cancel);
        await second.StartAsync(Cancel);
        try
        {
            var hosts = await second.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, Cancel);
            Assert.Equal(2, hosts.Count);

            var table = await MembershipOf(clusterId).ReadAllAsync(Cancel);
            Assert.Equal(2, table.Members.Count);
            Assert.All(table.Members, member => Assert.Equal(SiloStatus.Active, member.Item1.Status));
            Assert.True(table.Version.Version >= 2); // each silo's insert and its move to Active bumped it

            var grain = second.Services.GetRequiredService<IGrainFactory>().GetGrain<IProviderTestGrain>("across");
            Assert.Equal(1, await grain.Increment());
        }
        finally
        {
            await second.StopAsync(Cancel);
            await first.StopAsync(Cancel);
        }

        // A graceful shutdown records itself in the table.
        var after = await MembershipOf(clusterId).ReadAllAsync(Cancel);
        Assert.All(after.Members, member => Assert.Equal(SiloStatus.Dead, member.Item1.Status));
    }

    private IHost BuildSilo(string clusterId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Development });
        builder.Services.AddSingleton<RelationalDatabase>(Database);
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, clusterId))
            .ConfigureEndpoints(IPAddress.Loopback, LoopbackPorts.Free(), LoopbackPorts.Free())
            .UseSetHubClustering()
            .AddSetHubGrainStorageAsDefault());
        return builder.Build();
    }

    private Relational.Providers.RelationalMembershipTable MembershipOf(string clusterId) =>
        ProvidersUnderTest.Membership(new CountingDatabase(Database), clusterId);

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await Database.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }

    private async Task<byte[]> PayloadAsync(GrainId grain)
    {
        await using var connection = await Database.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM grain_state WHERE grain_id = $grain_id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "$grain_id";
        parameter.Value = grain.ToString();
        command.Parameters.Add(parameter);
        return (byte[])(await command.ExecuteScalarAsync(Cancel))!;
    }
}
