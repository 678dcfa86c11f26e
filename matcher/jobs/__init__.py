"""The unattended jobs: the nightly match run (`nightly`) and the engines it hands the heavy
work to, this machine's cores (`engine`) or Apache Spark (`spark_engine`)."""
