using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SetHub.Tests.Shared;

namespace SetHub.Storage.Tests;

/// <summary>
/// What the AzureStorage mode's SET log and grain state rely on, checked against the emulator test.sh starts and the
/// Azure SDK versions pinned here: entity-group transactions are atomic within one partition and hold at most 100
/// operations, queries page with continuation tokens, and blob writes can be made conditional on an ETag; and where
/// the emulator is looser than Azure, so that what it cannot catch is known. If an emulator or SDK upgrade changes any
/// of these, this fails before the store built on them does.
/// </summary>
public sealed class AzuriteEmulatorTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EntityGroupTransaction_OfOnePartition_CommitsEveryEntityOrNone()
    {
        var table = await NewTableAsync();
        var valid = Enumerable.Range(0, 100).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Entity("stream-1", i))).ToList();
        await table.SubmitTransactionAsync(valid, Cancel);

        // One add of an existing row fails the whole batch: the other 99 are not written.
        var conflicting = Enumerable.Range(100, 99).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Entity("stream-1", i)))
            .Append(new TableTransactionAction(TableTransactionActionType.Add, Entity("stream-1", 0)))
            .ToList();
        var failure = await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(conflicting, Cancel));

        Assert.Equal(409, failure.Status);
        Assert.Equal(99, failure.FailedTransactionActionIndex);
        Assert.Equal(100, await CountAsync(table, "stream-1"));
    }

    [Fact]
    public async Task EntityGroupTransaction_OfMoreThan100Operations_IsRefusedAndWritesNothing()
    {
        var table = await NewTableAsync();
        var tooMany = Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Entity("stream-1", i))).ToList();

        // Azure answers 400; Azurite 3.37.0 answers with a body the SDK cannot read (InvalidOperationException). Either
        // way nothing is written, and the log must never send such a batch.
        await Assert.ThrowsAnyAsync<Exception>(() => table.SubmitTransactionAsync(tooMany, Cancel));
        Assert.Equal(0, await CountAsync(table, "stream-1"));
    }

    [Fact]
    public async Task EntityGroupTransaction_AcrossPartitions_IsNotRefusedByTheEmulator()
    {
        // Azure refuses a batch that spans partitions; Azurite 3.37.0 commits it. The emulator cannot catch a log that
        // batches across streams, so the log itself must group by partition (and its contract tests check it does).
        var table = await NewTableAsync();
        List<TableTransactionAction> mixed =
        [
            new(TableTransactionActionType.Add, Entity("stream-1", 0)),
            new(TableTransactionActionType.Add, Entity("stream-2", 0)),
        ];

        await table.SubmitTransactionAsync(mixed, Cancel);

        Assert.Equal(2, await CountAsync(table, "stream-1") + await CountAsync(table, "stream-2"));
    }

    [Fact]
    public async Task PartitionQuery_PagesWithContinuationTokens_InRowKeyOrder()
    {
        var table = await NewTableAsync();
        for (var batch = 0; batch < 3; batch++)
        {
            await table.SubmitTransactionAsync(
                Enumerable.Range(batch * 100, 100).Select(i => new TableTransactionAction(TableTransactionActionType.Add, Entity("stream-1", i))).ToList(),
                Cancel);
        }

        var keys = new List<string>();
        var pages = 0;
        string? continuation = null;
        do
        {
            var page = await table.QueryAsync<TableEntity>(entity => entity.PartitionKey == "stream-1", maxPerPage: 128, cancellationToken: Cancel)
                .AsPages(continuation, 128).FirstAsync(Cancel);
            keys.AddRange(page.Values.Select(entity => entity.RowKey));
            continuation = page.ContinuationToken;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 300).Select(RowKey), keys);
    }

    [Fact]
    public async Task BlobWrite_ConditionalOnAnOldETag_IsRefused()
    {
        var container = new BlobServiceClient(AzuriteTestServer.RequireConnectionString()).GetBlobContainerClient(AzuriteTestServer.NewPrefix());
        await container.CreateAsync(cancellationToken: Cancel);
        var blob = container.GetBlobClient("state");
        var first = await blob.UploadAsync(BinaryData.FromString("one"), cancellationToken: Cancel);
        await blob.UploadAsync(BinaryData.FromString("two"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = first.Value.ETag } }, Cancel);

        var stale = await Assert.ThrowsAsync<RequestFailedException>(() =>
            blob.UploadAsync(BinaryData.FromString("three"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = first.Value.ETag } }, Cancel));

        Assert.Equal(412, stale.Status);
        Assert.Equal("two", (await blob.DownloadContentAsync(Cancel)).Value.Content.ToString());
        await container.DeleteAsync(cancellationToken: Cancel);
    }

    private static async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(AzuriteTestServer.RequireConnectionString(), AzuriteTestServer.NewPrefix() + "log");
        await table.CreateAsync(Cancel);
        return table;
    }

    // Positions as fixed-width row keys, so that the partition's row-key order is the log's order.
    private static string RowKey(int position) => position.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    private static TableEntity Entity(string partition, int position) => new(partition, RowKey(position)) { ["Token"] = new string('x', 700) };

    private static async Task<int> CountAsync(TableClient table, string partition) =>
        await table.QueryAsync<TableEntity>(entity => entity.PartitionKey == partition, select: ["RowKey"], cancellationToken: Cancel).CountAsync(Cancel);
}
