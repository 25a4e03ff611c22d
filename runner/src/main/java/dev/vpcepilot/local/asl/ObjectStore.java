package dev.vpcepilot.local.asl;

/**
 * The Amazon S3 objects a Distributed Map reads its items from ({@code ItemReader}, {@code s3:getObject}) and writes
 * its results to ({@code ResultWriter}, {@code s3:putObject}). The interpreter is given one; the runner's
 * implementation talks to the emulator with the AWS SDK.
 */
public interface ObjectStore {

    /** Refuses every call: for interpreters whose definitions read and write no S3 objects. */
    ObjectStore NONE = new ObjectStore() {
        @Override
        public byte[] get(String bucket, String key) throws ObjectStoreException {
            throw new ObjectStoreException("this interpreter was given no object store, so it cannot read s3://"
                    + bucket + "/" + key);
        }

        @Override
        public void put(String bucket, String key, byte[] body) throws ObjectStoreException {
            throw new ObjectStoreException("this interpreter was given no object store, so it cannot write s3://"
                    + bucket + "/" + key);
        }
    };

    /** The object's bytes. */
    byte[] get(String bucket, String key) throws ObjectStoreException;

    /** Creates or replaces the object. */
    void put(String bucket, String key, byte[] body) throws ObjectStoreException;

    /** S3 refused or could not be reached; the message says what S3 answered (it becomes the error's cause). */
    final class ObjectStoreException extends Exception {
        public ObjectStoreException(String message) {
            super(message);
        }

        public ObjectStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
