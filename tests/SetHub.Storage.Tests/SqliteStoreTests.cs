using System.Text;
using SetHub.Core;
using SetHub.Core.Streams;
using SetHub.Storage.Sqlite;

namespace SetHub.Storage.Tests;

/// <summary>The store contract on a real SQLite file, plus what is specific to the embedded store.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sethub-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "nested", "sethub.db");

    protected override async Task<StoreUnderTest> CreateStoreAsync()
    {
        var database = new SqliteDatabase($"Data Source={DatabasePath}");
        await database.InitializeAsync(TestContext.Current.CancellationToken);
        return new StoreUnderTest(database, new Cleanup(database, _folder));
    }

    [Fact]
    public void Initialize_CreatesTheFolder()
    {
        Assert.True(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task Initialize_Twice_AppliesMigrationsOnce()
    {
        using var again = new SqliteDatabase($"Data Source={DatabasePath}");
        await again.InitializeAsync(TestContext.Current.CancellationToken);

        Assert.Equal(0, await new Relational.MigrationRunner(again, typeof(SqliteDatabase).Assembly).RunAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Initialize_OnASchemaNewerThanTheBuild_Refuses()
    {
        await Store.Database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', 0)";
                return command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            },
            TestContext.Current.CancellationToken);
        using var older = new SqliteDatabase($"Data Source={DatabasePath}");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => older.InitializeAsync(TestContext.Current.CancellationToken));

        Assert.Contains("newer than this SetHub build", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_SurvivesReopeningTheFile()
    {
        await Store.Streams.CreateStreamAsync(TestData.Stream(), cancellationToken: TestContext.Current.CancellationToken);
        await Store.Sets.EnqueueAsync([TestData.Set("durable")], TestContext.Current.CancellationToken);

        using var reopened = new SqliteDatabase($"Data Source={DatabasePath}");
        await reopened.InitializeAsync(TestContext.Current.CancellationToken);
        var batch = await new Relational.RelationalSetStore(reopened).PollAsync("acme", "s1", TestData.Poll(), TestContext.Current.CancellationToken);

        Assert.Equal(["durable"], batch.Sets.Select(s => s.Jti));
    }

    [Fact]
    public async Task AuthorizationHeader_IsEncryptedAtRest()
    {
        var secret = "Bearer very-secret-push-token-1234567890";
        var stream = TestData.Stream(delivery: new DeliverySettings(SsfConstants.DeliveryMethods.Push, "https://rp.example.com/e", secret));
        await Store.Streams.CreateStreamAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var bytes = await ReadAllDatabaseBytesAsync();

        Assert.DoesNotContain("very-secret-push-token", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(secret, (await Store.Streams.GetStreamAsync("acme", "s1", TestContext.Current.CancellationToken))!.Delivery.AuthorizationHeader);
    }

    private async Task<byte[]> ReadAllDatabaseBytesAsync()
    {
        using var output = new MemoryStream();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!))
        {
            await using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            await input.CopyToAsync(output, TestContext.Current.CancellationToken);
        }

        return output.ToArray();
    }

    private sealed class Cleanup(SqliteDatabase database, string folder) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            database.Dispose();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }

            return ValueTask.CompletedTask;
        }
    }
}
