"""Push providers: FCM, APNs and web push."""
