using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace SetHub.Bench.Hosting;

/// <summary>
/// The bench's own Azurite, the Azure Storage emulator, which bench/run.sh starts on free loopback ports with a
/// throwaway data folder for the AzureStorage mode. Every scenario run gets a fresh store on it through a name prefix
/// of its own (<c>SetHub:Storage:NamePrefix</c>: every table and container name starts with it); the bench deletes
/// that run's tables and containers afterwards, so Azurite's in-memory database does not grow from one scenario to
/// the next. Azurite is one single-threaded Node.js process keeping its tables in memory (LokiJS, saved to disk):
/// its figures are the emulator's, not Azure Storage's.
/// </summary>
public sealed class AzuriteServer(string connectionString, int? pid, string? version)
{
    public string ConnectionString => connectionString;

    /// <summary>The node process, whose CPU counts as the bench's own and is reported apart from the hub's.</summary>
    public int? Pid => pid;

    public string Version => version ?? "unknown";

    /// <summary>A prefix for run <paramref name="run"/> of <paramref name="scenario"/>: a lowercase letter, then up to
    /// 19 lowercase letters or digits ("b03fanout").</summary>
    public static string Prefix(int run, string scenario)
    {
        var letters = new string([.. scenario.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
        var prefix = $"b{run % 100:00}{letters}";
        return prefix.Length <= 20 ? prefix : prefix[..20];
    }

    /// <summary>Every table and blob container in the account (Azurite's queues are not used by SetHub).</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var table in new TableServiceClient(connectionString).QueryAsync(cancellationToken: cancellationToken))
        {
            names.Add(table.Name);
        }

        await foreach (var container in new BlobServiceClient(connectionString).GetBlobContainersAsync(cancellationToken: cancellationToken))
        {
            names.Add(container.Name);
        }

        return names;
    }

    /// <summary>Deletes every table and container of the account: the store of the scenario run that just ended (the
    /// ones of earlier runs are gone already). Returns the names that did not start with <paramref name="prefix"/>,
    /// which a hub told to use that prefix should not have made.</summary>
    public async Task<IReadOnlyList<string>> DropAllAsync(string prefix)
    {
        var tables = new TableServiceClient(connectionString);
        var blobs = new BlobServiceClient(connectionString);
        var strays = new List<string>();
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync())
        {
            names.Add(table.Name);
            await tables.DeleteTableAsync(table.Name);
        }

        await foreach (var container in blobs.GetBlobContainersAsync())
        {
            names.Add(container.Name);
            await blobs.DeleteBlobContainerAsync(container.Name);
        }

        strays.AddRange(names.Where(name => !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
        return strays;
    }
}
