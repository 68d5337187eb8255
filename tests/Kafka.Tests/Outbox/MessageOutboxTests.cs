using System.Text;
using Confluent.Kafka;
using StreamJepa.Kafka.Configuration;
using StreamJepa.Kafka.Outbox;
using StreamJepa.Kafka.Tests.Support;

namespace StreamJepa.Kafka.Tests.Outbox;

public sealed class MessageOutboxTests
{
    [Fact]
    public void Spooled_messages_come_out_in_acceptance_order_across_memory_and_journal()
    {
        using var dir = new TempDirectory();
        using var outbox = new MessageOutbox("anomalies", Spool(capacity: 3), dir.Path);

        Accept(outbox, 0, 10);
        var first = TakeAll(outbox, 4);
        Accept(outbox, 10, 15);
        var rest = TakeAll(outbox, 100);

        Assert.Equal(Enumerable.Range(0, 15).Select(i => $"m{i}"), first.Concat(rest).Select(Value));
        var stats = outbox.Stats();
        Assert.Equal((15, 0, 0, 15), (stats.Accepted, stats.Queued, stats.Journaled, stats.InFlight));
    }

    [Fact]
    public void Direct_hand_over_never_overtakes_waiting_messages_nor_skips_the_write_ahead_journal()
    {
        using var dir = new TempDirectory();
        using var memory = new MessageOutbox("embeddings", Spool(capacity: 10), dir.Path);
        using var writeAhead = new MessageOutbox("anomalies", Spool(capacity: 0), dir.Path);

        Assert.True(memory.TryAcceptDirect("k", "direct"u8.ToArray(), [], int.MaxValue, out var direct));
        Accept(memory, 0, 1);
        Assert.False(memory.TryAcceptDirect("k", "late"u8.ToArray(), [], int.MaxValue, out _));
        Assert.False(writeAhead.TryAcceptDirect("k", "anomaly"u8.ToArray(), [], int.MaxValue, out _));

        Assert.Equal((1L, 2L), (direct.Sequence, memory.Stats().Accepted));
        Assert.Equal(["m0"], TakeAll(memory, 10).Select(Value));
    }

    [Fact]
    public void Drop_oldest_keeps_the_newest_and_counts_every_drop()
    {
        using var dir = new TempDirectory();
        using var outbox = new MessageOutbox("embeddings", new TopicOptions { Topic = "e", Overflow = OverflowPolicy.DropOldest, QueueCapacity = 4 }, dir.Path);

        Accept(outbox, 0, 10);

        Assert.Equal(["m6", "m7", "m8", "m9"], TakeAll(outbox, 100).Select(Value));
        Assert.Equal(6, outbox.Stats().Dropped);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Undelivered_messages_persisted_at_shutdown_are_the_first_out_after_a_restart()
    {
        using var dir = new TempDirectory();
        using (var outbox = new MessageOutbox("anomalies", Spool(capacity: 2), dir.Path))
        {
            Accept(outbox, 0, 8);
            var taken = TakeAll(outbox, 3); // m0..m2 in flight
            outbox.Delivered(taken[1]);     // m1 delivered out of order; m0 and m2 are not
            Assert.Equal(7, outbox.Persist());
        }

        using var reopened = new MessageOutbox("anomalies", Spool(capacity: 2), dir.Path);
        Assert.Equal(7, reopened.Stats().Journaled);
        Assert.Equal(["m0", "m2", "m3", "m4", "m5", "m6", "m7"], TakeAll(reopened, 100).Select(Value));
    }

    [Fact]
    public void Delivered_journal_segments_are_deleted()
    {
        using var dir = new TempDirectory();
        using var outbox = new MessageOutbox("anomalies", Spool(capacity: 0), dir.Path);

        Accept(outbox, 0, 5);
        Assert.NotEmpty(Directory.GetFiles(dir.Path));
        foreach (var item in TakeAll(outbox, 100))
        {
            outbox.Delivered(item);
        }

        Assert.Empty(TakeAll(outbox, 100)); // the next hand-over lets delivered segments go
        Assert.Empty(Directory.GetFiles(dir.Path));
        Assert.Equal(5, outbox.Stats().Delivered);
    }

    [Fact]
    public void A_record_torn_by_a_crash_is_skipped_and_the_ones_before_it_survive()
    {
        using var dir = new TempDirectory();
        using (var outbox = new MessageOutbox("anomalies", Spool(capacity: 0), dir.Path))
        {
            Accept(outbox, 0, 3);
        }

        var segment = Directory.GetFiles(dir.Path).Single();
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(file.Length - 3);
        }

        using var reopened = new MessageOutbox("anomalies", Spool(capacity: 0), dir.Path);
        Assert.Equal(["m0", "m1"], TakeAll(reopened, 100).Select(Value));
    }

    private static TopicOptions Spool(int capacity) => new() { Topic = "a", Overflow = OverflowPolicy.Spool, QueueCapacity = capacity };

    private static void Accept(MessageOutbox outbox, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            outbox.Enqueue($"k{i % 2}", Encoding.UTF8.GetBytes($"m{i}"), [new Header("h", [1])]);
        }
    }

    private static List<OutboxItem> TakeAll(MessageOutbox outbox, int most)
    {
        var items = new List<OutboxItem>();
        outbox.TakeBatch(int.MaxValue, most, items);
        foreach (var item in items)
        {
            outbox.Sending(item);
            outbox.Sent(item);
        }

        return items;
    }

    private static string Value(OutboxItem item) => Encoding.UTF8.GetString(item.Message.Value);
}
