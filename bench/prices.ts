/**
 * The us-east-1 list prices the cost benchmark uses (USD), each with the AWS pricing page it
 * comes from. `checked` says whether the figure was confirmed against that page's text (or a
 * dated copy of it) when this file was written; the others are the long-standing list prices,
 * to re-check before relying on them.
 */

/** The date of the price list assumed. */
export const PRICE_LIST_DATE = "2026-06-01";

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly checked: boolean;
}

export const PRICES = {
  standardAlarm: {
    usd: 0.1,
    unit: "standard-resolution metric alarm-month",
    source: "Amazon CloudWatch pricing (aws.amazon.com/cloudwatch/pricing), Alarms",
    checked: true,
  },
  compositeAlarm: {
    usd: 0.5,
    unit: "composite alarm-month",
    source: "Amazon CloudWatch pricing, Alarms",
    checked: true,
  },
  customMetric: {
    usd: 0.3,
    unit: "custom metric-month (first 10,000; prorated by the hour, billed only for hours with data)",
    source: "Amazon CloudWatch pricing, Metrics",
    checked: true,
  },
  logsIngestion: {
    usd: 0.5,
    unit: "GB ingested (Standard log class)",
    source: "Amazon CloudWatch pricing, Logs",
    checked: true,
  },
  logsStorage: {
    usd: 0.03,
    unit: "GB-month archived (compressed)",
    source: "Amazon CloudWatch pricing, Logs",
    checked: false,
  },
  kmsKey: {
    usd: 1.0,
    unit: "customer managed key-month (first year; each of the first two yearly rotations adds $1/month)",
    source: "AWS Key Management Service pricing (aws.amazon.com/kms/pricing)",
    checked: false,
  },
  kmsRequests: {
    usd: 0.03,
    unit: "10,000 requests",
    source: "AWS Key Management Service pricing",
    checked: false,
  },
  managementEventsFirstCopy: {
    usd: 0,
    unit: "management event, first copy per region",
    source: "AWS CloudTrail pricing (aws.amazon.com/cloudtrail/pricing), Trails",
    checked: true,
  },
  managementEventsExtraCopy: {
    usd: 2.0,
    unit: "100,000 management events, each additional copy",
    source: "AWS CloudTrail pricing, Trails",
    checked: true,
  },
  dataEvents: {
    usd: 0.1,
    unit: "100,000 data events",
    source: "AWS CloudTrail pricing, Trails",
    checked: true,
  },
  contributorInsightsRule: {
    usd: 0.5,
    unit: "Contributor Insights rule-month (CloudWatch Logs)",
    source: "Amazon CloudWatch pricing, Contributor Insights",
    checked: true,
  },
  contributorInsightsEvents: {
    usd: 0.02,
    unit: "1,000,000 log events matched by a Contributor Insights rule",
    source: "Amazon CloudWatch pricing, Contributor Insights",
    checked: true,
  },
  insightsEvents: {
    usd: 0.35,
    unit: "100,000 events analysed (per Insights type)",
    source:
      "AWS CloudTrail pricing, CloudTrail Insights; 'Costs for Insights events' (CloudTrail User Guide)",
    checked: true,
  },
  s3Storage: {
    usd: 0.023,
    unit: "GB-month, S3 Standard (first 50 TB)",
    source: "Amazon S3 pricing (aws.amazon.com/s3/pricing)",
    checked: false,
  },
  s3StandardIa: {
    usd: 0.0125,
    unit: "GB-month, S3 Standard-IA",
    source: "Amazon S3 pricing",
    checked: false,
  },
  s3Glacier: {
    usd: 0.0036,
    unit: "GB-month, S3 Glacier Flexible Retrieval (storage class GLACIER)",
    source: "Amazon S3 pricing",
    checked: false,
  },
  s3Put: {
    usd: 0.005,
    unit: "1,000 PUT/COPY/POST/LIST requests, S3 Standard",
    source: "Amazon S3 pricing",
    checked: false,
  },
  eventBridgeServiceEvents: {
    usd: 0,
    unit: "AWS service event on the default bus (rules and targets included)",
    source: "Amazon EventBridge pricing (aws.amazon.com/eventbridge/pricing)",
    checked: true,
  },
  eventBridgeCrossRegion: {
    usd: 1.0,
    unit: "million events sent to another region's bus (charged as custom events)",
    source: "Amazon EventBridge pricing",
    checked: true,
  },
  snsPublish: {
    usd: 0.5,
    unit: "million publishes (first million free)",
    source: "Amazon SNS pricing (aws.amazon.com/sns/pricing)",
    checked: false,
  },
  snsEmail: {
    usd: 2.0,
    unit: "100,000 email notifications (first 1,000 free)",
    source: "Amazon SNS pricing",
    checked: false,
  },
  snsHttps: {
    usd: 0.6,
    unit: "million HTTP/S notifications (first 100,000 free)",
    source: "Amazon SNS pricing",
    checked: false,
  },
  snsSms: {
    usd: 0.04,
    unit: "SMS (ASSUMED: SNS SMS is priced per destination country; a UK message is of this order)",
    source: "Amazon SNS SMS pricing (aws.amazon.com/sns/sms-pricing)",
    checked: false,
  },
  lambdaRequests: {
    usd: 0.2,
    unit: "million requests",
    source: "AWS Lambda pricing (aws.amazon.com/lambda/pricing)",
    checked: false,
  },
  lambdaGbSecond: {
    usd: 0.0000166667,
    unit: "GB-second (x86)",
    source: "AWS Lambda pricing",
    checked: false,
  },
  sqsRequests: {
    usd: 0.4,
    unit: "million requests (standard queue; first million free)",
    source: "Amazon SQS pricing (aws.amazon.com/sqs/pricing)",
    checked: false,
  },
  dashboard: {
    usd: 3,
    unit: "dashboard-month (the account's first three are free)",
    source: "Amazon CloudWatch pricing, Dashboards",
    checked: false,
  },
  eventArchiveIngestion: {
    usd: 0.1,
    unit: "GB of events archived",
    source: "Amazon EventBridge pricing (aws.amazon.com/eventbridge/pricing), Archive and replay",
    checked: false,
  },
  eventArchiveStorage: {
    usd: 0.023,
    unit: "GB-month of archive storage",
    source: "Amazon EventBridge pricing, Archive and replay",
    checked: false,
  },
  eventBridgeCustomEvents: {
    usd: 1,
    unit: "million events put on a bus (Lambda destinations to EventBridge count as such)",
    source: "Amazon EventBridge pricing, Event buses",
    checked: false,
  },
} as const satisfies Record<string, Price>;

export type PriceName = keyof typeof PRICES;
