using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using PSPeerChat.Flood;
using PSPeerChat.Links;
using Xunit;

namespace PSPeerChat.Core.Tests
{
    public class SendQueueTests
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

        private static OutboundFrame Frame(byte tag) => new OutboundFrame(new[] { tag }, null);

        private static async Task<List<OutboundFrame>> Take(SendQueue queue, int max = 1000)
        {
            var batch = new List<OutboundFrame>();
            await Eventually.Within(queue.TakeBatchAsync(batch, max), Deadline, "TakeBatchAsync returned");
            return batch;
        }

        /// <summary>Starts a producer thread and waits until it is really blocked inside TryEnqueue.</summary>
        private static (Thread thread, Func<bool?> result) BlockedProducer(SendQueue queue, OutboundFrame frame, int waitMilliseconds)
        {
            bool? outcome = null;
            var thread = new Thread(() => outcome = queue.TryEnqueue(frame, waitMilliseconds)) { IsBackground = true };
            thread.Start();
            Eventually.Until(() => (thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) != 0 || !thread.IsAlive, Deadline, "the producer blocks in TryEnqueue");
            Assert.True(thread.IsAlive, "TryEnqueue returned at once although the queue was full");
            return (thread, () => outcome);
        }

        [Fact]
        public void The_queue_is_bounded_and_refuses_at_once_when_full()
        {
            var queue = new SendQueue(3);
            for (byte i = 0; i < 3; i++) Assert.True(queue.TryEnqueue(Frame(i), 0));

            var clock = Stopwatch.StartNew();
            Assert.False(queue.TryEnqueue(Frame(9), 0));
            Assert.True(clock.ElapsedMilliseconds < 1000);
            Assert.Equal(3, queue.Count);
        }

        [Fact]
        public void A_waiting_enqueue_gives_up_after_its_wait_when_nobody_takes()
        {
            var queue = new SendQueue(1);
            Assert.True(queue.TryEnqueue(Frame(1), 0));

            var clock = Stopwatch.StartNew();
            Assert.False(queue.TryEnqueue(Frame(2), 100));

            Assert.InRange(clock.ElapsedMilliseconds, 90, 4000);
            Assert.Equal(1, queue.Count);
        }

        [Fact]
        public async Task TakeBatchAsync_returns_the_queued_items_in_order()
        {
            var queue = new SendQueue(10);
            var frames = Enumerable.Range(0, 7).Select(i => Frame((byte)i)).ToList();
            foreach (var f in frames) Assert.True(queue.TryEnqueue(f, 0));

            var first = await Take(queue, max: 4);
            var rest = await Take(queue);

            Assert.Equal(frames.Take(4), first);
            Assert.Equal(frames.Skip(4), rest);
            Assert.Equal(0, queue.Count);
        }

        [Fact]
        public async Task TakeBatchAsync_waits_for_an_item()
        {
            var queue = new SendQueue(4);
            var batch = new List<OutboundFrame>();
            Task take = queue.TakeBatchAsync(batch, 10);
            Assert.False(take.IsCompleted);

            OutboundFrame f = Frame(5);
            Assert.True(queue.TryEnqueue(f, 0));

            await Eventually.Within(take, Deadline, "the waiting consumer got the item");
            Assert.Same(f, batch.Single());
        }

        [Fact]
        public async Task A_waiting_enqueue_succeeds_once_the_consumer_takes_items()
        {
            var queue = new SendQueue(2);
            OutboundFrame a = Frame(1), b = Frame(2), c = Frame(3);
            Assert.True(queue.TryEnqueue(a, 0));
            Assert.True(queue.TryEnqueue(b, 0));
            var (producer, result) = BlockedProducer(queue, c, 10_000);

            var taken = await Take(queue);

            Assert.True(producer.Join(Deadline), "the producer was not woken when room appeared");
            Assert.True(result());
            Assert.Equal(new[] { a, b }, taken);
            Assert.Same(c, (await Take(queue)).Single());
        }

        [Fact]
        public async Task CompleteWith_queues_the_final_frame_even_when_full_and_refuses_later_frames()
        {
            var queue = new SendQueue(1);
            OutboundFrame a = Frame(1);
            OutboundFrame close = Frame(0xC);
            Assert.True(queue.TryEnqueue(a, 0));

            queue.CompleteWith(close);

            Assert.Equal(2, queue.Count);
            Assert.True(close.CloseAfter);
            var clock = Stopwatch.StartNew();
            Assert.False(queue.TryEnqueue(Frame(2), 0));
            Assert.False(queue.TryEnqueue(Frame(3), 5_000)); // refused at once, not after the wait
            Assert.True(clock.ElapsedMilliseconds < 2_000);

            queue.CompleteWith(Frame(4)); // a second completion changes nothing
            Assert.Equal(new[] { a, close }, await Take(queue));
            Assert.Empty(await Take(queue)); // completed and drained: an empty batch, not a hang
            Assert.Empty(await Take(queue));
        }

        [Fact]
        public async Task CompleteWith_wakes_a_waiting_consumer_with_an_empty_batch()
        {
            var queue = new SendQueue(2);
            var batch = new List<OutboundFrame>();
            Task take = queue.TakeBatchAsync(batch, 10);
            Assert.False(take.IsCompleted);

            queue.CompleteWith(null);

            await Eventually.Within(take, Deadline, "the consumer woke up on completion");
            Assert.Empty(batch);
        }

        [Fact]
        public void CompleteWith_wakes_a_blocked_producer_which_then_fails()
        {
            var queue = new SendQueue(1);
            Assert.True(queue.TryEnqueue(Frame(1), 0));
            var (producer, result) = BlockedProducer(queue, Frame(2), 10_000);

            queue.CompleteWith(Frame(3));

            Assert.True(producer.Join(Deadline), "the producer was not woken by completion");
            Assert.False(result());
            Assert.Equal(2, queue.Count);
        }
    }
}
