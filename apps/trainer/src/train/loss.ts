import * as tf from '@tensorflow/tfjs-core';

/** 1 where a label counts, 0 where it is `IGNORE_LABEL` (negative): `[rows]` float32. */
function counted(labels: tf.Tensor1D): tf.Tensor1D {
  return tf.where(tf.greaterEqual(labels, 0), tf.ones(labels.shape), tf.zeros(labels.shape)) as tf.Tensor1D;
}

/**
 * Mean softmax cross-entropy of `logits` [b, classes] (or [b, L, classes], one row per labelled
 * position) against integer labels [b] (or [b·L]), over the labels that count: an `IGNORE_LABEL`
 * row adds nothing and is not in the mean.
 */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    const rows = tf.reshape(logits, [-1, classes]);
    // An ignored label is clamped to class 0 for oneHot; its zero weight drops the row from the sum and the count.
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.maximum(labels, tf.scalar(0, 'int32')) as tf.Tensor1D, classes), rows, counted(labels)) as tf.Scalar;
  });
}

/** Number of counted rows whose arg-max is the label. */
export function correct(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const rows = tf.reshape(logits, [-1, logits.shape[logits.shape.length - 1]!]);
    return tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(rows, -1), labels), 'float32'), counted(labels))) as tf.Scalar;
  });
}
