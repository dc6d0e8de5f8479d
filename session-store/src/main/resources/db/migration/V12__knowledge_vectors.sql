-- Dense vectors of the knowledge chunks, computed in the node by an in-process embedding model when knowledge
-- is uploaded (PostgreSQL here has no pgvector: similarity is computed in the node). A version records the model
-- that computed its chunks' vectors and their dimension; a version without them (stored before this migration,
-- or through onboarding) or with another model than the node's is re-embedded, and until then the dense
-- retrieval skips it.

ALTER TABLE knowledge_versions
    ADD COLUMN embedding_model     TEXT,
    ADD COLUMN embedding_dimension INT CHECK (embedding_dimension BETWEEN 1 AND 4096),
    ADD CONSTRAINT knowledge_versions_embedding_chk
        CHECK ((embedding_model IS NULL) = (embedding_dimension IS NULL));

-- The vector of the chunk's heading path and text; NULL while the version has none.
ALTER TABLE knowledge_chunks ADD COLUMN embedding REAL[];
