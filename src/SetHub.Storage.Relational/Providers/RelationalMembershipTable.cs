using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace SetHub.Storage.Relational.Providers;

/// <summary>
/// Orleans' membership table on <c>membership_versions</c> (one row per cluster: the table version and its ETag) and
/// <c>membership_silos</c> (one row per silo incarnation), one implementation for SQLite and PostgreSQL, for the
/// cluster named by <see cref="ClusterOptions.ClusterId"/>.
/// <para>
/// Every insert or update of a silo row happens in one transaction with the table version's change, conditional on
/// the version ETag the caller read (and, for an update, on the row's ETag): the transaction first locks the version
/// row (<see cref="RelationalDatabase.ForUpdate"/>; SQLite serializes writers anyway), so concurrent changes take turns,
/// and a refused condition leaves nothing written and answers <see langword="false"/>. Reads return the rows and the
/// version from one statement, so they are consistent with each other.
/// </para>
/// </summary>
public sealed partial class RelationalMembershipTable : IMembershipTable
{
    private readonly RelationalDatabase _database;
    private readonly string _clusterId;
    private readonly ILogger _logger;
    private readonly string _versions;
    private readonly string _silos;

    /// <summary>Creates the membership table of the configured cluster.</summary>
    public RelationalMembershipTable(RelationalDatabase database, IOptions<ClusterOptions> clusterOptions, ILogger<RelationalMembershipTable> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _database = database;
        _clusterId = clusterOptions.Value.ClusterId;
        _logger = logger;
        _versions = database.OrleansTable("membership_versions");
        _silos = database.OrleansTable("membership_silos");
    }

    /// <inheritdoc />
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    /// <summary>Creates the cluster's version row (version 0) when <paramref name="tryInitTableVersion"/> is set and the
    /// row is missing. Nodes starting together race harmlessly: one inserts, the others find the row.</summary>
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        if (!tryInitTableVersion)
        {
            return;
        }

        await _database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, $"""
                    INSERT INTO {_versions} (cluster_id, version, etag) VALUES (@cluster_id, 0, @etag)
                    ON CONFLICT (cluster_id) DO NOTHING
                    """)
                .With("@cluster_id", _clusterId)
                .With("@etag", NewVersionETag())
                .ExecuteAsync(cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    /// <summary>Deletes every row of the cluster <paramref name="clusterId"/>, its version row included.</summary>
    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await connection.CreateCommand(transaction, $"DELETE FROM {_silos} WHERE cluster_id = @cluster_id")
                .With("@cluster_id", clusterId)
                .ExecuteAsync(cancellationToken);
            await connection.CreateCommand(transaction, $"DELETE FROM {_versions} WHERE cluster_id = @cluster_id")
                .With("@cluster_id", clusterId)
                .ExecuteAsync(cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <summary>
    /// Deletes the rows of silos that are not <see cref="SiloStatus.Active"/> and whose last known update (start,
    /// i-am-alive or suspicion vote) precedes <paramref name="beforeDate"/>, as Orleans' own providers and its
    /// membership contract tests do. The table version does not move: no live silo's view changes.
    /// </summary>
    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        // Rows keep milliseconds; Orleans' cut-off is one tick after the newest entry to delete, so round it up to
        // the next millisecond or that entry would survive.
        var before = beforeDate.ToUnixTimeMilliseconds() + (beforeDate.Ticks % TimeSpan.TicksPerMillisecond == 0 ? 0 : 1);
        return _database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, $"""
                    DELETE FROM {_silos} WHERE cluster_id = @cluster_id AND status <> @active AND last_update_at < @before
                    """)
                .With("@cluster_id", _clusterId)
                .With("@active", (int)SiloStatus.Active)
                .With("@before", before)
                .ExecuteAsync(cancellationToken),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    /// <summary>The silo's row (if any) and the table version, read together.</summary>
    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ReadAsync(
            "AND s.address = @address AND s.port = @port AND s.generation = @generation",
            command => command.WithSiloKey(key),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    /// <summary>Every silo row of the cluster and the table version, read together.</summary>
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) =>
        ReadAsync(string.Empty, command => command, cancellationToken);

    /// <inheritdoc />
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    /// <summary>Adds the silo's row and moves the table to <paramref name="tableVersion"/>, in one transaction;
    /// <see langword="false"/>, with nothing written, when the row exists or the version ETag moved.</summary>
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        return ChangeRowAsync("insert", entry, tableVersion, (connection, transaction) => connection.CreateCommand(transaction, $"""
                INSERT INTO {_silos} (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port, role_name,
                                      update_zone, fault_zone, suspect_times, start_at, i_am_alive_at, last_update_at, version)
                VALUES (@cluster_id, @address, @port, @generation, @silo_name, @host_name, @status, @proxy_port, @role_name,
                        @update_zone, @fault_zone, @suspect_times, @start_at, @i_am_alive_at, @last_update_at, 1)
                ON CONFLICT (cluster_id, address, port, generation) DO NOTHING
                """)
            .With("@cluster_id", _clusterId)
            .WithSiloKey(entry.SiloAddress)
            .WithEntry(entry)
            .ExecuteAsync(cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    /// <summary>
    /// Rewrites the silo's row and moves the table to <paramref name="tableVersion"/>, in one transaction;
    /// <see langword="false"/>, with nothing written, when the row is missing, its ETag is not <paramref name="etag"/>
    /// or the version ETag moved. The i-am-alive time only moves forward here: it belongs to the silo's own
    /// heartbeat, which another silo's update (made from an older read) must not roll back.
    /// </summary>
    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        if (!VersionETag.TryParse(etag, out var rowVersion))
        {
            return false;
        }

        return await ChangeRowAsync("update", entry, tableVersion, (connection, transaction) => connection.CreateCommand(transaction, $"""
                UPDATE {_silos} SET
                    silo_name = @silo_name, host_name = @host_name, status = @status, proxy_port = @proxy_port,
                    role_name = @role_name, update_zone = @update_zone, fault_zone = @fault_zone,
                    suspect_times = @suspect_times, start_at = @start_at,
                    i_am_alive_at = CASE WHEN @i_am_alive_at > i_am_alive_at THEN @i_am_alive_at ELSE i_am_alive_at END,
                    last_update_at = CASE WHEN @last_update_at > last_update_at THEN @last_update_at ELSE last_update_at END,
                    version = version + 1
                WHERE cluster_id = @cluster_id AND address = @address AND port = @port AND generation = @generation
                  AND version = @row_version
                """)
            .With("@cluster_id", _clusterId)
            .WithSiloKey(entry.SiloAddress)
            .WithEntry(entry)
            .With("@row_version", rowVersion)
            .ExecuteAsync(cancellationToken), cancellationToken);
    }

    // Locks the table version, makes one change to a silo's row, and moves the version on, all in one transaction:
    // nothing is written when the version ETag moved or the change touched no row.
    private async Task<bool> ChangeRowAsync(
        string operation, MembershipEntry entry, TableVersion tableVersion, Func<DbConnection, DbTransaction, Task<int>> change, CancellationToken cancellationToken)
    {
        var changed = await _database.WriteAsync(async (connection, transaction) =>
        {
            if (!await LockVersionAsync(connection, transaction, tableVersion, cancellationToken) || await change(connection, transaction) == 0)
            {
                return false;
            }

            await AdvanceVersionAsync(connection, transaction, tableVersion, cancellationToken);
            return true;
        }, cancellationToken);

        if (!changed)
        {
            LogRefused(_logger, operation, entry.SiloAddress, tableVersion);
        }

        return changed;
    }

    /// <inheritdoc />
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>Writes the silo's heartbeat: its i-am-alive time and nothing else (neither the row ETag nor the table
    /// version moves, so reads made before the heartbeat stay valid for <see cref="UpdateRowAsync"/>).</summary>
    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _database.WriteAsync(
            (connection, transaction) => connection.CreateCommand(transaction, $"""
                    UPDATE {_silos} SET
                        i_am_alive_at = @i_am_alive_at,
                        last_update_at = CASE WHEN @i_am_alive_at > last_update_at THEN @i_am_alive_at ELSE last_update_at END
                    WHERE cluster_id = @cluster_id AND address = @address AND port = @port AND generation = @generation
                    """)
                .With("@cluster_id", _clusterId)
                .WithSiloKey(entry.SiloAddress)
                .With("@i_am_alive_at", OrleansTime.ToUnixMilliseconds(entry.IAmAliveTime))
                .ExecuteAsync(cancellationToken),
            cancellationToken);
    }

    /// <summary>Locks the cluster's version row for the rest of the transaction and checks that its ETag is the one
    /// the caller read.</summary>
    private async Task<bool> LockVersionAsync(DbConnection connection, DbTransaction transaction, TableVersion expected, CancellationToken cancellationToken)
    {
        var etag = await connection.CreateCommand(transaction, $"SELECT etag FROM {_versions} WHERE cluster_id = @cluster_id{_database.ForUpdate}")
            .With("@cluster_id", _clusterId)
            .ScalarAsync(cancellationToken);
        return etag is string current && current == expected.VersionEtag;
    }

    private Task<int> AdvanceVersionAsync(DbConnection connection, DbTransaction transaction, TableVersion next, CancellationToken cancellationToken) =>
        connection.CreateCommand(transaction, $"UPDATE {_versions} SET version = @version, etag = @etag WHERE cluster_id = @cluster_id")
            .With("@cluster_id", _clusterId)
            .With("@version", (long)next.Version)
            .With("@etag", NewVersionETag())
            .ExecuteAsync(cancellationToken);

    /// <summary>Reads the version row and the silo rows (all, or those <paramref name="siloFilter"/> selects) in one
    /// statement, so the rows and the version belong to the same moment.</summary>
    private async Task<MembershipTableData> ReadAsync(string siloFilter, Func<DbCommand, DbCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var command = parameters(connection.CreateCommand(null, $"""
                SELECT v.version, v.etag, {MembershipRows.Columns}
                FROM {_versions} v
                LEFT JOIN {_silos} s ON s.cluster_id = v.cluster_id {siloFilter}
                WHERE v.cluster_id = @cluster_id
                """)
            .With("@cluster_id", _clusterId));

        TableVersion? version = null;
        var members = new List<Tuple<MembershipEntry, string>>();
        await using (command)
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                version ??= new TableVersion(checked((int)reader.GetInt64(0)), reader.GetString(1));
                if (!reader.IsDBNull(2))
                {
                    members.Add(MembershipRows.Read(reader, 2));
                }
            }
        }

        // No version row yet: an empty table at version 0, which no insert can match until the row is created.
        return new MembershipTableData(members, version ?? new TableVersion(0, string.Empty));
    }

    // A fresh random token, so a version ETag never comes back (not even after the cluster's rows are deleted and
    // created again).
    private static string NewVersionETag() => Guid.NewGuid().ToString("N");

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership {Operation} of silo {Silo} refused at table version {TableVersion}: the row or the version moved")]
    private static partial void LogRefused(ILogger logger, string operation, SiloAddress silo, TableVersion tableVersion);
}
