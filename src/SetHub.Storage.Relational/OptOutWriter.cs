using System.Data.Common;
using SetHub.Core.Storage;

namespace SetHub.Storage.Relational;

/// <summary>
/// The SQL that changes opt-out state (<c>subject_opt_outs</c> and <c>opt_out_index</c>), in the caller's transaction:
/// the one that queues the SETs announcing the change (RISC 1.0 §2.8).
/// </summary>
internal static class OptOutWriter
{
    /// <summary>Applies <paramref name="change"/> in the caller's transaction.</summary>
    public static Task ApplyAsync(
        RelationalDatabase database, DbConnection connection, DbTransaction transaction, SubjectOptOutChange change, CancellationToken cancellationToken) =>
        change switch
        {
            OptOutRecorded recorded => RecordAsync(connection, transaction, recorded, cancellationToken),
            OptOutsLifted lifted => LiftAsync(database, connection, transaction, lifted, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown opt-out change."),
        };

    // ON CONFLICT DO NOTHING: a subject's key fixes its JSON and index keys, so a concurrent or repeated opt-out of the
    // same subject has nothing to add, and must not fail the transaction that queues its SETs.
    private static async Task RecordAsync(DbConnection connection, DbTransaction transaction, OptOutRecorded recorded, CancellationToken cancellationToken)
    {
        await connection.CreateCommand(transaction, """
                INSERT INTO subject_opt_outs (tenant_id, subject_key, subject_json, created_at)
                VALUES (@tenant_id, @subject_key, @subject_json, @created_at)
                ON CONFLICT (tenant_id, subject_key) DO NOTHING
                """)
            .With("@tenant_id", recorded.TenantId)
            .With("@subject_key", recorded.SubjectKey)
            .With("@subject_json", recorded.SubjectJson)
            .With("@created_at", recorded.CreatedAt.ToDb())
            .ExecuteAsync(cancellationToken);
        foreach (var indexKey in recorded.IndexKeys.Distinct(StringComparer.Ordinal))
        {
            await connection.CreateCommand(transaction, """
                    INSERT INTO opt_out_index (tenant_id, index_key, subject_key) VALUES (@tenant_id, @index_key, @subject_key)
                    ON CONFLICT (tenant_id, index_key, subject_key) DO NOTHING
                    """)
                .With("@tenant_id", recorded.TenantId)
                .With("@index_key", indexKey)
                .With("@subject_key", recorded.SubjectKey)
                .ExecuteAsync(cancellationToken);
        }
    }

    private static async Task LiftAsync(
        RelationalDatabase database, DbConnection connection, DbTransaction transaction, OptOutsLifted lifted, CancellationToken cancellationToken)
    {
        if (lifted.SubjectKeys.Count == 0)
        {
            return;
        }

        foreach (var table in (string[])["opt_out_index", "subject_opt_outs"])
        {
            var delete = connection.CreateCommand(transaction, $"DELETE FROM {table} WHERE tenant_id = @tenant_id AND subject_key {database.InList("@keys")}")
                .With("@tenant_id", lifted.TenantId);
            database.AddList(delete, "@keys", lifted.SubjectKeys);
            await delete.ExecuteAsync(cancellationToken);
        }
    }
}
