using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using SetHub.Core.Storage;
using static SetHub.Storage.AzureStorage.SetLog.LogEntities;

namespace SetHub.Storage.AzureStorage.SetLog;

/// <summary>
/// Runs one partition's group of operations against the SET log table, in order. Writes become entity-group
/// transactions of at most 100 actions: the first action of each is a merge of the head, conditional on the ETag the
/// last claim or write left, so a transaction of an activation whose epoch was overtaken fails as a whole (the fence).
/// Consecutive writes share transactions; a write larger than one transaction is split between rows that belong
/// together, in position order. A write that fails part-way fails its caller, which ends its activation; the next one
/// reads the log as it is.
/// </summary>
internal sealed class PartitionWriter(TableClient log, LogOwners owners)
{
    /// <summary>Azure's limit is 100 actions; one goes to the head.</summary>
    private const int MaxUnitActions = 99;

    /// <summary>Azure's limit is 4 MiB of request body; this leaves room for the framing the estimate misses.</summary>
    private const int MaxBatchBytes = 3 * 1024 * 1024;

    // The epoch and head ETag each stream's last claim or write on this node left: a write usually needs no read first.
    private readonly ConcurrentDictionary<StreamKey, HeadState> _heads = new();

    public async Task ExecuteAsync(StreamKey stream, List<AzureLogOperation> group)
    {
        var partition = Partition(stream);
        for (var i = 0; i < group.Count;)
        {
            if (group[i] is ClaimLogOperation claim)
            {
                try
                {
                    claim.Complete(await ClaimAsync(stream, partition, claim));
                }
                catch (Exception exception)
                {
                    claim.Fail(exception);
                }

                i++;
                continue;
            }

            var writes = new List<WriteLogOperation>();
            while (i < group.Count && group[i] is WriteLogOperation write)
            {
                writes.Add(write);
                i++;
            }

            await WriteAsync(stream, partition, writes);
        }
    }

    /// <summary>Forgets a deleted stream's head.</summary>
    public void Forget(StreamKey stream) => _heads.TryRemove(stream, out _);

    private async Task<LogClaim> ClaimAsync(StreamKey stream, string partition, ClaimLogOperation claim)
    {
        for (var attempt = 0; ; attempt++)
        {
            var head = await log.FindAsync(partition, HeadKey, CancellationToken.None);
            try
            {
                LogHead claimed;
                ETag etag;
                string? previousOwner = null;
                if (head is null)
                {
                    claimed = new LogHead(1, 0, null);
                    var added = await log.AddEntityAsync(HeadRow(partition, claimed, claim.Owner), CancellationToken.None);
                    etag = added.Headers.ETag ?? throw new InvalidOperationException("The table answered an insert without an ETag.");
                }
                else
                {
                    previousOwner = head.GetString("Owner");
                    claimed = new LogHead(
                        (head.GetInt64("Epoch") ?? 0) + 1,
                        head.GetInt32("Failures") ?? 0,
                        head.GetFlag("HasNextAttempt") ? head.GetDateTimeOffset("NextAttemptAt") : null);
                    var change = new TableEntity(partition, HeadKey) { ["Epoch"] = claimed.Epoch, ["Owner"] = claim.Owner };
                    var merged = await log.UpdateEntityAsync(change, head.ETag, TableUpdateMode.Merge, CancellationToken.None);
                    etag = merged.Headers.ETag ?? throw new InvalidOperationException("The table answered a merge without an ETag.");
                }

                _heads[stream] = new HeadState(claimed.Epoch, etag);
                // The owner row is in another table: written while the window is read.
                var reading = ReadQueuedAsync(partition, long.MinValue, claim.WindowSize + 1, controlOnly: false);
                await Task.WhenAll(owners.RecordAsync(stream, partition, claim.Owner, previousOwner), reading);
                var window = await reading;
                var complete = window.Count <= claim.WindowSize;
                return new LogClaim(claimed, complete ? window : window.GetRange(0, claim.WindowSize), complete);
            }
            catch (RequestFailedException exception) when (exception.Status is 409 or 412 && attempt < 20)
            {
                // Another node claimed at the same moment: read the head again and claim after it.
            }
        }
    }

    /// <summary>Reads queued SETs after a position, in order, following continuation tokens.</summary>
    public async Task<List<LogEntry>> ReadQueuedAsync(string partition, long afterPosition, int limit, bool controlOnly)
    {
        var from = afterPosition < 0 ? "q" : SetKey(afterPosition);
        var filter = controlOnly
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {AfterSets} and State eq {Queued} and IsControl eq {true}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {AfterSets} and State eq {Queued}");
        var rows = await log.QueryPartitionAsync(filter, CancellationToken.None, take: limit);
        return [.. rows.Select(ReadEntry)];
    }

    private async Task WriteAsync(StreamKey stream, string partition, List<WriteLogOperation> writes)
    {
        var batch = new PendingBatch();
        var index = 0;
        try
        {
            for (; index < writes.Count; index++)
            {
                var write = writes[index];
                if (batch.Epoch != write.Epoch)
                {
                    await FlushAsync(stream, partition, batch);
                    batch = new PendingBatch { Epoch = write.Epoch };
                    if (!await IsCurrentAsync(stream, partition, write.Epoch))
                    {
                        write.CompleteFenced();
                        batch.Epoch = null;
                        continue;
                    }
                }

                if (NeedsReads(write.Write))
                {
                    // What it reads must include everything written before it.
                    await FlushAsync(stream, partition, batch);
                }

                foreach (var unit in await PrepareAsync(partition, stream, write))
                {
                    if (!batch.Fits(unit))
                    {
                        await FlushAsync(stream, partition, batch);
                    }

                    batch.Add(unit);
                }

                if (write.Write.Head is { } head)
                {
                    batch.Head = head;
                }

                batch.Completing.Add(write);
            }

            await FlushAsync(stream, partition, batch);
        }
        catch (Exception exception)
        {
            // Whether the rest committed is unknown (or it did not): each caller ends its activation.
            _heads.TryRemove(stream, out _);
            foreach (var write in batch.Completing.Concat(writes.Skip(index)))
            {
                write.Fail(exception);
            }
        }
    }

    private async Task<bool> IsCurrentAsync(StreamKey stream, string partition, long epoch)
    {
        if (_heads.TryGetValue(stream, out var known) && known.Epoch >= epoch)
        {
            return known.Epoch == epoch;
        }

        var head = await log.FindAsync(partition, HeadKey, CancellationToken.None, ["Epoch"]);
        if (head is null)
        {
            return false; // deleted
        }

        _heads[stream] = new HeadState(head.GetInt64("Epoch") ?? 0, head.ETag);
        return head.GetInt64("Epoch") == epoch;
    }

    private static bool NeedsReads(LogWrite write) =>
        write.RemovalsByJti.Count > 0 || write.Redrives.Count > 0 || write.ExpireQueuedBefore is not null || write.DropQueuedEvents ||
        write.PurgeDoneBefore is not null;

    /// <summary>Turns a write into units, in the order the relational stores apply it: removals, dead letters, re-drives,
    /// appends, expiry, dropped events.</summary>
    private async Task<List<LogUnit>> PrepareAsync(string partition, StreamKey stream, WriteLogOperation operation)
    {
        var write = operation.Write;
        var units = new List<LogUnit>();
        // Kept for the trace with a time (the jti row stays too, so a publish retried meanwhile finds it); else deleted.
        foreach (var removal in write.Removals)
        {
            units.Add(write.RemovedAt is { } at
                ? Change(operation, new TableTransactionAction(TableTransactionActionType.UpdateMerge, DoneRow(partition, removal.Position, at, removal.Attempts, removal.Acknowledged), ETag.All))
                : Change(operation, Delete(partition, SetKey(removal.Position)), Delete(partition, JtiKey(removal.Jti))));
        }

        foreach (var found in await Task.WhenAll(write.RemovalsByJti.Select(jti => FindByJtiAsync(partition, jti))))
        {
            if (found is { State: Queued } set)
            {
                units.Add(write.RemovedAt is { } at
                    ? Change(operation, new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                        DoneRow(partition, PositionOf(set.Row.RowKey), at, set.Row.GetInt32("Attempts") ?? 0, acknowledged: true), ETag.All))
                    : Change(operation, Delete(partition, set.Row.RowKey), Delete(partition, JtiKey(set.Jti))));
            }
        }

        if (write.PurgeDoneBefore is { } purgeBefore)
        {
            var expired = await log.QueryPartitionAsync(
                TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {"q"} and RowKey lt {AfterSets} and State ge {Delivered} and DoneAt lt {purgeBefore}"),
                CancellationToken.None,
                ["RowKey", "Jti"]);
            units.AddRange(expired.Select(row => Change(operation, Delete(partition, row.RowKey), Delete(partition, JtiKey(row.GetText("Jti"))))));
        }

        foreach (var letter in write.DeadLetters)
        {
            var change = new TableEntity(partition, SetKey(letter.Position)) { ["State"] = Dead, ["LastError"] = letter.Error, ["Attempts"] = letter.Attempts };
            units.Add(Change(operation, new TableTransactionAction(TableTransactionActionType.UpdateMerge, change, ETag.All)));
        }

        foreach (var redrive in write.Redrives)
        {
            if (await FindByJtiAsync(partition, redrive.Jti) is { State: Dead } letter)
            {
                // The re-issued SET replaces the dead letter: a new row at its new position, under its new jti.
                var reissued = new LogEntry(redrive.Position, redrive.NewJti, redrive.NewToken, letter.Row.GetText("EventType"), letter.Row.GetFlag("IsControl"),
                    redrive.QueuedAt, Transaction: letter.Row.GetString("Txn"));
                var row = SetRow(partition, reissued, stream);
                row["ReissuedFrom"] = redrive.Jti;
                units.Add(Change(
                    operation,
                    Delete(partition, letter.Row.RowKey),
                    Delete(partition, JtiKey(redrive.Jti)),
                    new TableTransactionAction(TableTransactionActionType.Add, row),
                    new TableTransactionAction(TableTransactionActionType.Add, JtiRow(partition, redrive.NewJti, redrive.Position))));
            }
        }

        foreach (var entry in write.Appends)
        {
            units.Add(new LogUnit(operation, LogUnitKind.Append, [
                new TableTransactionAction(TableTransactionActionType.Add, SetRow(partition, entry, stream)),
                new TableTransactionAction(TableTransactionActionType.Add, JtiRow(partition, entry.Jti, entry.Position)),
            ]) { Appended = (entry.Jti, entry.Position) });
        }

        if (write.ExpireQueuedBefore is { } cutoff)
        {
            var error = write.ExpiryError ?? "expired";
            var expiring = await log.QueryPartitionAsync(
                TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {"q"} and RowKey lt {AfterSets} and State eq {Queued} and QueuedAt lt {cutoff}"),
                CancellationToken.None,
                ["RowKey", "LastError"]);
            foreach (var row in expiring)
            {
                var lastError = row.GetString("LastError");
                var change = new TableEntity(partition, row.RowKey) { ["State"] = Dead, ["LastError"] = lastError is null ? error : $"{error}; last error: {lastError}" };
                units.Add(Change(operation, new TableTransactionAction(TableTransactionActionType.UpdateMerge, change, ETag.All)));
            }
        }

        if (write.DropQueuedEvents)
        {
            var events = await log.QueryPartitionAsync(
                TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {"q"} and RowKey lt {AfterSets} and State eq {Queued} and IsControl eq {false}"),
                CancellationToken.None,
                ["RowKey", "Jti"]);
            units.AddRange(events.Select(row => Change(operation, Delete(partition, row.RowKey), Delete(partition, JtiKey(row.GetText("Jti"))))));
        }

        return units;
    }

    private async Task<FoundSet?> FindByJtiAsync(string partition, string jti)
    {
        var index = await log.FindAsync(partition, JtiKey(jti), CancellationToken.None);
        if (index?.GetInt64("Position") is not { } position)
        {
            return null;
        }

        var row = await log.FindAsync(partition, SetKey(position), CancellationToken.None);
        return row is null ? null : new FoundSet(row, jti, row.GetInt32("State") ?? Queued);
    }

    /// <summary>Commits the batch (with the head fence first), mending what a failed action says and trying again:
    /// a duplicate <c>jti</c> leaves the batch as a duplicate, a row already gone leaves it as done, an overtaken
    /// epoch fences every write of the batch.</summary>
    private async Task FlushAsync(StreamKey stream, string partition, PendingBatch batch)
    {
        if (batch.Epoch is not { } epoch || (batch.Units.Count == 0 && batch.Completing.Count == 0))
        {
            return;
        }

        for (var attempt = 0; ; attempt++)
        {
            if (!_heads.TryGetValue(stream, out var head) || head.Epoch != epoch)
            {
                if (!await IsCurrentAsync(stream, partition, epoch))
                {
                    batch.Fence();
                    return;
                }

                head = _heads[stream];
            }

            var fence = new TableEntity(partition, HeadKey) { ["Epoch"] = epoch };
            if (batch.Head is { } update)
            {
                fence["Failures"] = update.Failures;
                fence["HasNextAttempt"] = update.NextAttemptAt is not null;
                fence["NextAttemptAt"] = update.NextAttemptAt ?? DateTimeOffset.UnixEpoch;
            }

            List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateMerge, fence, head.ETag), .. batch.Units.SelectMany(unit => unit.Actions)];
            try
            {
                var response = await log.SubmitTransactionAsync(actions, CancellationToken.None);
                _heads[stream] = new HeadState(epoch, response.Value[0].Headers.ETag ?? throw new InvalidOperationException("The table answered a transaction without the head's ETag."));
                batch.Complete();
                return;
            }
            catch (TableTransactionFailedException exception) when (attempt < 100 && exception.FailedTransactionActionIndex is { } failed)
            {
                if (failed == 0)
                {
                    _heads.TryRemove(stream, out _); // the head moved: re-read it, then fence or go again
                    continue;
                }

                await MendAsync(partition, batch, actions[failed], exception.Status);
            }
        }
    }

    private async Task MendAsync(string partition, PendingBatch batch, TableTransactionAction failed, int status)
    {
        var unit = batch.Units.First(unit => unit.Actions.Contains(failed));
        if (unit is { Kind: LogUnitKind.Append, Appended: { } appended } && status == 409)
        {
            // The jti is taken. By this very SET when an earlier attempt committed and its answer was lost (then the
            // jti row holds this position): written. Otherwise the stream had it already: a duplicate.
            var index = await log.FindAsync(partition, JtiKey(appended.Jti), CancellationToken.None);
            if (index?.GetInt64("Position") != appended.Position)
            {
                unit.Write.Duplicates.Add(appended.Jti);
            }

            batch.Units.Remove(unit);
        }
        else if (unit.Kind == LogUnitKind.Change && status is 404 or 409)
        {
            // Done already (the row went with an earlier write, or a re-drive already moved it).
            unit.Actions.Remove(failed);
            if (unit.Actions.Count == 0 || status == 409)
            {
                batch.Units.Remove(unit);
            }
        }
        else
        {
            throw new InvalidOperationException($"The SET log refused a {failed.ActionType} of {failed.Entity.RowKey} with status {status}.");
        }
    }

    private static TableEntity HeadRow(string partition, LogHead head, string owner) => new(partition, HeadKey)
    {
        ["Epoch"] = head.Epoch,
        ["Owner"] = owner,
        ["Failures"] = head.Failures,
        ["HasNextAttempt"] = false,
        ["NextAttemptAt"] = DateTimeOffset.UnixEpoch,
    };

    private static TableTransactionAction Delete(string partition, string rowKey) =>
        new(TableTransactionActionType.Delete, new TableEntity(partition, rowKey), ETag.All);

    private static LogUnit Change(WriteLogOperation write, params TableTransactionAction[] actions) => new(write, LogUnitKind.Change, [.. actions]);

    private readonly record struct HeadState(long Epoch, ETag ETag);

    private sealed record FoundSet(TableEntity Row, string Jti, int State);

    /// <summary>The next transaction being formed: units of writes under one epoch.</summary>
    private sealed class PendingBatch
    {
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
        private int _actions;
        private int _bytes;

        public long? Epoch { get; set; }

        public List<LogUnit> Units { get; } = [];

        public HeadUpdate? Head { get; set; }

        /// <summary>Writes whose last unit is in this batch: they complete when it commits.</summary>
        public List<WriteLogOperation> Completing { get; } = [];

        // A transaction may touch a row only once, and stays within Azure's size limits.
        public bool Fits(LogUnit unit) =>
            _actions + unit.Actions.Count <= MaxUnitActions &&
            _bytes + unit.WireSize <= MaxBatchBytes &&
            unit.Actions.All(action => !_keys.Contains(action.Entity.RowKey));

        public void Add(LogUnit unit)
        {
            Units.Add(unit);
            _actions += unit.Actions.Count;
            _bytes += unit.WireSize;
            foreach (var action in unit.Actions)
            {
                _keys.Add(action.Entity.RowKey);
            }
        }

        public void Complete()
        {
            foreach (var write in Completing)
            {
                write.Complete();
            }

            Reset();
        }

        public void Fence()
        {
            foreach (var write in Completing.Concat(Units.Select(unit => unit.Write)).Distinct())
            {
                write.CompleteFenced();
            }

            Reset();
        }

        private void Reset()
        {
            Units.Clear();
            Completing.Clear();
            Head = null;
            _keys.Clear();
            _actions = 0;
            _bytes = 0;
        }
    }
}
